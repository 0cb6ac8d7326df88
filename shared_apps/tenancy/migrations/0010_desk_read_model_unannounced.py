"""The desk read model's function copies a visit's unannounced-walk-in flag (`arrival_unannounced`) to the board.

A kiosk walk-in of whose arrival no message reached anyone is marked on the desk's board so the desk acts. The
function copies the flag when the reception's `readmodel_visit` has its column (tenant_apps/desk migration 0003) and
reads it from the company's row as JSON, so it works on either side of both migrations, in whatever order the
schemas migrate. The rest is 0008's function (0005's with the Citus worker guard) unchanged.
"""

from importlib import import_module

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION public.checkin_desk_read_model() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    company bigint;
    reception text;
    own text := quote_ident(TG_TABLE_SCHEMA);
    -- The unannounced-walk-in flag, while the reception's table may not have its column yet (schemas migrate one
    -- after the other): empty parts then, so a company's writes never fail on a half-migrated building.
    flag_column text := '';
    flag_value text := '';
    flag_set text := '';
    flag_old text := '';
    flag_new text := '';
BEGIN
    SELECT c.id, r.schema_name INTO company, reception
    FROM public.tenancy_tenant c
    JOIN public.tenancy_tenant r ON r.building_id = c.building_id AND r.type = 'reception'
    WHERE c.schema_name = TG_TABLE_SCHEMA AND c.type = 'company' AND c.status IN ('active', 'suspended');
    -- A template, a spare, a company without building or a removed one: nothing on any desk.
    IF reception IS NULL OR to_regclass(quote_ident(reception) || '.readmodel_visit') IS NULL THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass(quote_ident(reception) || '.readmodel_visit')
               AND attname = 'unannounced' AND NOT attisdropped) THEN
        flag_column := ', unannounced';
        flag_value := ', coalesce((to_jsonb(v) ->> ''arrival_unannounced'')::boolean, false)';
        flag_set := ', unannounced = excluded.unannounced';
        flag_old := ', d.unannounced';
        flag_new := ', excluded.unannounced';
    END IF;
    reception := quote_ident(reception);
    IF TG_TABLE_NAME = 'visits_visit' THEN
        IF TG_OP = 'TRUNCATE' THEN
            EXECUTE format('DELETE FROM %s.readmodel_visit WHERE company_id = $1', reception) USING company;
        ELSIF TG_OP = 'DELETE' THEN
            EXECUTE format(
                'DELETE FROM %s.readmodel_visit d USING old_rows o WHERE d.company_id = $1 AND d.visit_id = o.id',
                reception) USING company;
        ELSE
            EXECUTE format(
                'INSERT INTO %1$s.readmodel_visit AS d (company_id, visit_id, code, state, expected_start, '
                'expected_end, checked_in_at, checked_out_at, first_name, last_name, visitor_company, host_name%3$s) '
                'SELECT $1, v.id, coalesce(to_jsonb(v) ->> ''code_digest'', to_jsonb(v) ->> ''code''), v.state, v.expected_start, v.expected_end, v.checked_in_at, '
                'v.checked_out_at, p.first_name, p.last_name, p.company_name, coalesce(h.name, '''')%4$s '
                'FROM new_rows v JOIN %2$s.visits_visitor p ON p.id = v.visitor_id '
                'LEFT JOIN %2$s.visits_host h ON h.id = v.host_id '
                'ON CONFLICT (company_id, visit_id) DO UPDATE SET code = excluded.code, state = excluded.state, '
                'expected_start = excluded.expected_start, expected_end = excluded.expected_end, '
                'checked_in_at = excluded.checked_in_at, checked_out_at = excluded.checked_out_at, '
                'first_name = excluded.first_name, last_name = excluded.last_name, '
                'visitor_company = excluded.visitor_company, host_name = excluded.host_name%5$s '
                'WHERE (d.code, d.state, d.expected_start, d.expected_end, d.checked_in_at, d.checked_out_at, '
                'd.first_name, d.last_name, d.visitor_company, d.host_name%6$s) IS DISTINCT FROM '
                '(excluded.code, excluded.state, excluded.expected_start, excluded.expected_end, '
                'excluded.checked_in_at, excluded.checked_out_at, excluded.first_name, excluded.last_name, '
                'excluded.visitor_company, excluded.host_name%7$s)',
                reception, own, flag_column, flag_value, flag_set, flag_old, flag_new) USING company;
        END IF;
    ELSIF TG_TABLE_NAME = 'visits_visitor' THEN
        -- Only UPDATE fires here: a visitor's visits are inserted and deleted through visits_visit.
        EXECUTE format(
            'UPDATE %1$s.readmodel_visit d SET first_name = n.first_name, last_name = n.last_name, '
            'visitor_company = n.company_name FROM new_rows n JOIN %2$s.visits_visit v ON v.visitor_id = n.id '
            'WHERE d.company_id = $1 AND d.visit_id = v.id AND (d.first_name, d.last_name, d.visitor_company) '
            'IS DISTINCT FROM (n.first_name, n.last_name, n.company_name)',
            reception, own) USING company;
    ELSIF TG_TABLE_NAME = 'visits_host' THEN
        IF TG_OP = 'TRUNCATE' THEN
            EXECUTE format('DELETE FROM %s.readmodel_host WHERE company_id = $1', reception) USING company;
        ELSIF TG_OP = 'DELETE' THEN
            EXECUTE format(
                'DELETE FROM %s.readmodel_host d USING old_rows o WHERE d.company_id = $1 AND d.host_id = o.id',
                reception) USING company;
        ELSE
            EXECUTE format(
                'DELETE FROM %s.readmodel_host d USING new_rows n '
                'WHERE d.company_id = $1 AND d.host_id = n.id AND NOT n.is_active',
                reception) USING company;
            EXECUTE format(
                'INSERT INTO %s.readmodel_host AS d (company_id, host_id, name) '
                'SELECT $1, n.id, n.name FROM new_rows n WHERE n.is_active '
                'ON CONFLICT (company_id, host_id) DO UPDATE SET name = excluded.name '
                'WHERE d.name IS DISTINCT FROM excluded.name',
                reception) USING company;
            IF TG_OP = 'UPDATE' THEN
                EXECUTE format(
                    'UPDATE %1$s.readmodel_visit d SET host_name = n.name '
                    'FROM new_rows n JOIN %2$s.visits_visit v ON v.host_id = n.id '
                    'WHERE d.company_id = $1 AND d.visit_id = v.id AND d.host_name IS DISTINCT FROM n.name',
                    reception, own) USING company;
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION public.checkin_desk_read_model() FROM PUBLIC;
"""
_CITUS = import_module("shared_apps.tenancy.migrations.0008_desk_read_model_on_citus_workers")
assert FUNCTION.count("\nBEGIN\n") == 1
FUNCTION = FUNCTION.replace("\nBEGIN\n", "\n" + _CITUS._GUARD, 1)  # nothing to do on a Citus worker (0008)


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0009_building_walk_in_approval_required"),
    ]

    operations = [migrations.RunSQL(FUNCTION, reverse_sql=_CITUS.FUNCTION)]
