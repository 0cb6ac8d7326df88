"""On Citus the desk read model's function writes the building's rows from the company's shard, in its transaction.

On Citus (deploy/README.md, "Citus") the triggers of tenant_apps/visits/migrations/0006 fire on the worker holding
the company's shard, where `public.tenancy_tenant` (a plain table of the coordinator) is not, so 0008 made the
function return there and the desk showed nothing. Measured on the cluster (tests/citus/test_desk.py): from inside
the shard's trigger, with `citus.allow_nested_distributed_execution` on for that transaction, the function can write
the reception schema's `readmodel_*` tables on whichever worker holds them, and that write commits and rolls back
with the company's own statement (a failing write into the reception fails the check-in; a rolled-back check-in
leaves no row), 2PC between workers included. So on Citus:

- `public.checkin_desk_route` (schema of a company -> its id and its building's reception schema, for the companies
  the desk keeps: active and suspended) is a Citus reference table, copied to every worker, where the function
  reads it instead of `public.tenancy_tenant`. A statement trigger on `public.tenancy_tenant` rewrites it in the
  transaction that provisions, suspends, reactivates or removes a company. No request role may read or write it.
- On a worker, the function reads its transition table once into JSON, reads the visitors' and hosts' desk columns
  from the company's own tables by id, and writes the reception's rows from that JSON: Citus cannot hand a
  trigger's transition table to a distributed statement ("could not find named tuplestore").

None of this exists on one server: the table and its trigger are made only where the `citus` extension is, and
there the function takes its first branch never (`public.tenancy_tenant` is there), running 0011's statements as
before. The columns written are 0011's, the unannounced and restricted marks as there (each only once the
reception's table has its column: schemas migrate in turn).
"""

from importlib import import_module

from django.db import migrations

_PREVIOUS = import_module("shared_apps.tenancy.migrations.0011_desk_read_model_restricted").FUNCTION
_GUARD = import_module("shared_apps.tenancy.migrations.0008_desk_read_model_on_citus_workers")._GUARD

# Runs instead of 0008's "return at once" on a worker; ends with RETURN NULL. $1 is always the company's id.
_SHARD = r"""BEGIN
    IF to_regclass('public.tenancy_tenant') IS NULL THEN
        -- A Citus worker: the trigger fired on the company's shard (tenancy migration 0012).
        IF to_regclass('public.checkin_desk_route') IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT r.company_id, r.reception INTO company, reception
        FROM public.checkin_desk_route r WHERE r.schema_name = TG_TABLE_SCHEMA;
        IF reception IS NULL OR to_regclass(quote_ident(reception) || '.readmodel_visit') IS NULL THEN
            RETURN NULL;
        END IF;
        -- The reception's tables are distributed tables, maybe on another worker: this transaction writes them.
        PERFORM set_config('citus.allow_nested_distributed_execution', 'on', true);
        DECLARE
            tbl text := regexp_replace(TG_TABLE_NAME, '_[0-9]+$', '');  -- the shard's name less its number
            rows jsonb;
            people jsonb;
            hosts jsonb;
            ids bigint[];
            one record;
            with_restricted boolean := EXISTS (
                SELECT FROM pg_attribute WHERE attrelid = to_regclass(quote_ident(reception) || '.readmodel_visit')
                AND attname = 'restricted' AND NOT attisdropped);
        BEGIN
            IF EXISTS (SELECT FROM pg_attribute
                       WHERE attrelid = to_regclass(quote_ident(reception) || '.readmodel_visit')
                       AND attname = 'unannounced' AND NOT attisdropped) THEN
                flag_column := ', unannounced';
                flag_value := ', coalesce((v ->> ''arrival_unannounced'')::boolean, false)';
                flag_set := ', unannounced = excluded.unannounced';
                flag_old := ', d.unannounced';
                flag_new := ', excluded.unannounced';
            END IF;
            IF with_restricted THEN  -- the visitor's restriction (GDPR art. 18), read with the visitor below
                flag_column := flag_column || ', restricted';
                flag_value := flag_value || ', coalesce(($3 -> (v ->> ''visitor_id'') ->> ''restricted'')::boolean, false)';
                flag_set := flag_set || ', restricted = excluded.restricted';
                flag_old := flag_old || ', d.restricted';
                flag_new := flag_new || ', excluded.restricted';
            END IF;
            reception := quote_ident(reception);
            IF tbl = 'visits_visit' THEN
                IF TG_OP = 'TRUNCATE' THEN
                    EXECUTE format('DELETE FROM %s.readmodel_visit WHERE company_id = $1', reception) USING company;
                ELSIF TG_OP = 'DELETE' THEN
                    ids := ARRAY(SELECT o.id FROM old_rows o);
                    EXECUTE format('DELETE FROM %s.readmodel_visit WHERE company_id = $1 AND visit_id = ANY($2)',
                                   reception) USING company, ids;
                ELSE
                    rows := (SELECT jsonb_agg(to_jsonb(n)) FROM new_rows n);
                    EXECUTE format(
                        'SELECT jsonb_object_agg(p.id::text, jsonb_build_object(''first_name'', p.first_name, '
                        '''last_name'', p.last_name, ''company_name'', p.company_name, '
                        '''restricted'', (to_jsonb(p) ->> ''restricted_at'') IS NOT NULL)) '
                        'FROM %s.visits_visitor p WHERE p.id = ANY($1)', own)
                        INTO people USING ARRAY(SELECT (n ->> 'visitor_id')::bigint FROM jsonb_array_elements(rows) n);
                    EXECUTE format(
                        'SELECT jsonb_object_agg(h.id::text, h.name) FROM %s.visits_host h WHERE h.id = ANY($1)', own)
                        INTO hosts USING ARRAY(SELECT (n ->> 'host_id')::bigint FROM jsonb_array_elements(rows) n
                                               WHERE n ->> 'host_id' IS NOT NULL);
                    EXECUTE format(
                        'INSERT INTO %1$s.readmodel_visit AS d (company_id, visit_id, code, state, expected_start, '
                        'expected_end, checked_in_at, checked_out_at, first_name, last_name, visitor_company, '
                        'host_name%2$s) '
                        'SELECT $1, (v ->> ''id'')::bigint, coalesce(v ->> ''code_digest'', v ->> ''code''), '
                        'v ->> ''state'', (v ->> ''expected_start'')::timestamptz, '
                        '(v ->> ''expected_end'')::timestamptz, (v ->> ''checked_in_at'')::timestamptz, '
                        '(v ->> ''checked_out_at'')::timestamptz, $3 -> (v ->> ''visitor_id'') ->> ''first_name'', '
                        '$3 -> (v ->> ''visitor_id'') ->> ''last_name'', '
                        '$3 -> (v ->> ''visitor_id'') ->> ''company_name'', '
                        'coalesce($4 ->> (v ->> ''host_id''), '''')%3$s '
                        'FROM jsonb_array_elements($2) v WHERE $3 ? (v ->> ''visitor_id'') '
                        'ON CONFLICT (company_id, visit_id) DO UPDATE SET code = excluded.code, state = excluded.state, '
                        'expected_start = excluded.expected_start, expected_end = excluded.expected_end, '
                        'checked_in_at = excluded.checked_in_at, checked_out_at = excluded.checked_out_at, '
                        'first_name = excluded.first_name, last_name = excluded.last_name, '
                        'visitor_company = excluded.visitor_company, host_name = excluded.host_name%4$s '
                        'WHERE (d.code, d.state, d.expected_start, d.expected_end, d.checked_in_at, '
                        'd.checked_out_at, d.first_name, d.last_name, d.visitor_company, d.host_name%5$s) '
                        'IS DISTINCT FROM (excluded.code, excluded.state, excluded.expected_start, '
                        'excluded.expected_end, excluded.checked_in_at, excluded.checked_out_at, '
                        'excluded.first_name, excluded.last_name, excluded.visitor_company, excluded.host_name%6$s)',
                        reception, flag_column, flag_value, flag_set, flag_old, flag_new)
                        USING company, rows, coalesce(people, '{}'::jsonb), coalesce(hosts, '{}'::jsonb);
                END IF;
            ELSIF tbl = 'visits_visitor' THEN
                -- Only UPDATE fires here (as in 0011); one visitor at a time: Citus routes each statement.
                FOR one IN SELECT n.id, n.first_name, n.last_name, n.company_name,
                                  (to_jsonb(n) ->> 'restricted_at') IS NOT NULL AS restricted_now
                           FROM new_rows n LOOP
                    EXECUTE format('SELECT array_agg(v.id) FROM %s.visits_visit v WHERE v.visitor_id = $1', own)
                        INTO ids USING one.id;
                    CONTINUE WHEN ids IS NULL;
                    EXECUTE format(
                        'UPDATE %1$s.readmodel_visit d SET first_name = $3, last_name = $4, visitor_company = $5%2$s '
                        'WHERE d.company_id = $1 AND d.visit_id = ANY($2) AND (d.first_name, d.last_name, '
                        'd.visitor_company%3$s) IS DISTINCT FROM ($3, $4, $5%4$s)', reception,
                        CASE WHEN with_restricted THEN ', restricted = $6' ELSE '' END,
                        CASE WHEN with_restricted THEN ', d.restricted' ELSE '' END,
                        CASE WHEN with_restricted THEN ', $6' ELSE '' END)
                        USING company, ids, one.first_name, one.last_name, one.company_name, one.restricted_now;
                END LOOP;
            ELSIF tbl = 'visits_host' THEN
                IF TG_OP = 'TRUNCATE' THEN
                    EXECUTE format('DELETE FROM %s.readmodel_host WHERE company_id = $1', reception) USING company;
                ELSIF TG_OP = 'DELETE' THEN
                    ids := ARRAY(SELECT o.id FROM old_rows o);
                    EXECUTE format('DELETE FROM %s.readmodel_host WHERE company_id = $1 AND host_id = ANY($2)',
                                   reception) USING company, ids;
                ELSE
                    ids := ARRAY(SELECT n.id FROM new_rows n WHERE NOT n.is_active);
                    EXECUTE format('DELETE FROM %s.readmodel_host WHERE company_id = $1 AND host_id = ANY($2)',
                                   reception) USING company, ids;
                    rows := (SELECT jsonb_agg(jsonb_build_object('id', n.id, 'name', n.name))
                             FROM new_rows n WHERE n.is_active);
                    EXECUTE format(
                        'INSERT INTO %s.readmodel_host AS d (company_id, host_id, name) '
                        'SELECT $1, (h ->> ''id'')::bigint, h ->> ''name'' FROM jsonb_array_elements($2) h '
                        'ON CONFLICT (company_id, host_id) DO UPDATE SET name = excluded.name '
                        'WHERE d.name IS DISTINCT FROM excluded.name', reception) USING company, rows;
                    IF TG_OP = 'UPDATE' THEN
                        FOR one IN SELECT n.id, n.name FROM new_rows n LOOP
                            EXECUTE format('SELECT array_agg(v.id) FROM %s.visits_visit v WHERE v.host_id = $1', own)
                                INTO ids USING one.id;
                            CONTINUE WHEN ids IS NULL;
                            EXECUTE format(
                                'UPDATE %s.readmodel_visit d SET host_name = $3 WHERE d.company_id = $1 '
                                'AND d.visit_id = ANY($2) AND d.host_name IS DISTINCT FROM $3', reception)
                                USING company, ids, one.name;
                        END LOOP;
                    END IF;
                END IF;
            END IF;
        END;
        RETURN NULL;
    END IF;
"""
assert _PREVIOUS.count(_GUARD) == 1
FUNCTION = _PREVIOUS.replace(_GUARD, _SHARD, 1)

# Citus only: the route the shards' function reads, and the trigger keeping it in step with the tenants.
_ROUTE = [
    "CREATE TABLE IF NOT EXISTS public.checkin_desk_route ("
    "schema_name text PRIMARY KEY, company_id bigint NOT NULL, reception text NOT NULL)",
    "SELECT create_reference_table('public.checkin_desk_route') WHERE NOT EXISTS "
    "(SELECT FROM pg_dist_partition WHERE logicalrelid = 'public.checkin_desk_route'::regclass)",
    "REVOKE ALL ON public.checkin_desk_route FROM PUBLIC",
    r"""CREATE OR REPLACE FUNCTION public.checkin_desk_route_fill() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    names text[];
    ids bigint[];
    receptions text[];
BEGIN
    -- One rewrite at a time (a second one then reads what the first committed). Few rows, rarely: a tenant's
    -- creation, status or building changes.
    PERFORM pg_advisory_xact_lock(hashtext('public.checkin_desk_route'));
    -- The companies whose rows a desk keeps (0011's choice), each with its building's reception schema. Read
    -- into arrays first: the route is a Citus table, tenancy_tenant a table of the coordinator only.
    SELECT array_agg(c.schema_name), array_agg(c.id), array_agg(r.schema_name) INTO names, ids, receptions
    FROM public.tenancy_tenant c
    JOIN public.tenancy_tenant r ON r.building_id = c.building_id AND r.type = 'reception'
    WHERE c.type = 'company' AND c.status IN ('active', 'suspended');
    DELETE FROM public.checkin_desk_route;
    INSERT INTO public.checkin_desk_route (schema_name, company_id, reception)
    SELECT * FROM unnest(names, ids, receptions);
END
$fn$""",
    r"""CREATE OR REPLACE FUNCTION public.checkin_desk_route_refresh() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM public.checkin_desk_route_fill();
    RETURN NULL;
END
$fn$""",
    "REVOKE ALL ON FUNCTION public.checkin_desk_route_fill() FROM PUBLIC",
    "REVOKE ALL ON FUNCTION public.checkin_desk_route_refresh() FROM PUBLIC",
    "DROP TRIGGER IF EXISTS checkin_desk_route ON public.tenancy_tenant",
    "CREATE TRIGGER checkin_desk_route AFTER INSERT OR DELETE OR UPDATE OF schema_name, status, building_id, type "
    "ON public.tenancy_tenant FOR EACH STATEMENT EXECUTE FUNCTION public.checkin_desk_route_refresh()",
    "SELECT public.checkin_desk_route_fill()",  # the companies there already
]


def _citus(cursor) -> bool:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')")
    return bool(cursor.fetchone()[0])


def route_create(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        if not _citus(cursor):
            return
        for statement in _ROUTE:  # one at a time: Citus hands a DDL statement's whole text to the workers
            cursor.execute(statement)


def route_drop(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        if not _citus(cursor):
            return
        cursor.execute("DROP TRIGGER IF EXISTS checkin_desk_route ON public.tenancy_tenant")
        cursor.execute("DROP FUNCTION IF EXISTS public.checkin_desk_route_refresh()")
        cursor.execute("DROP FUNCTION IF EXISTS public.checkin_desk_route_fill()")
        cursor.execute("DROP TABLE IF EXISTS public.checkin_desk_route")


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0011_desk_read_model_restricted"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, reverse_sql=_PREVIOUS),
        migrations.RunPython(route_create, route_drop),
    ]
