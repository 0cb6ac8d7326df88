"""The desk read model's function copies the visit's code column whichever form the company stores it in.

Visit codes are moving to a keyed digest (`code_digest`): the function reads `code_digest` when the company's
visit table has it, else `code`, so it keeps working on either side of that migration, in whatever order the
company schemas migrate. The rest is 0004's function unchanged.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION public.checkin_desk_read_model() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    company bigint;
    reception text;
    own text := quote_ident(TG_TABLE_SCHEMA);
BEGIN
    SELECT c.id, r.schema_name INTO company, reception
    FROM public.tenancy_tenant c
    JOIN public.tenancy_tenant r ON r.building_id = c.building_id AND r.type = 'reception'
    WHERE c.schema_name = TG_TABLE_SCHEMA AND c.type = 'company' AND c.status IN ('active', 'suspended');
    -- A template, a spare, a company without building or a removed one: nothing on any desk.
    IF reception IS NULL OR to_regclass(quote_ident(reception) || '.readmodel_visit') IS NULL THEN
        RETURN NULL;
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
                'expected_end, checked_in_at, checked_out_at, first_name, last_name, visitor_company, host_name) '
                'SELECT $1, v.id, coalesce(to_jsonb(v) ->> ''code_digest'', to_jsonb(v) ->> ''code''), v.state, v.expected_start, v.expected_end, v.checked_in_at, '
                'v.checked_out_at, p.first_name, p.last_name, p.company_name, coalesce(h.name, '''') '
                'FROM new_rows v JOIN %2$s.visits_visitor p ON p.id = v.visitor_id '
                'LEFT JOIN %2$s.visits_host h ON h.id = v.host_id '
                'ON CONFLICT (company_id, visit_id) DO UPDATE SET code = excluded.code, state = excluded.state, '
                'expected_start = excluded.expected_start, expected_end = excluded.expected_end, '
                'checked_in_at = excluded.checked_in_at, checked_out_at = excluded.checked_out_at, '
                'first_name = excluded.first_name, last_name = excluded.last_name, '
                'visitor_company = excluded.visitor_company, host_name = excluded.host_name '
                'WHERE (d.code, d.state, d.expected_start, d.expected_end, d.checked_in_at, d.checked_out_at, '
                'd.first_name, d.last_name, d.visitor_company, d.host_name) IS DISTINCT FROM '
                '(excluded.code, excluded.state, excluded.expected_start, excluded.expected_end, '
                'excluded.checked_in_at, excluded.checked_out_at, excluded.first_name, excluded.last_name, '
                'excluded.visitor_company, excluded.host_name)',
                reception, own) USING company;
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


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0004_desk_read_model_function"),
    ]

    operations = [migrations.RunSQL(FUNCTION, reverse_sql=migrations.RunSQL.noop)]
