"""On Citus the parcels' read-model function writes the building's rows from the company's shard, as 0012 does for
visits.

0013's function returns at once on a Citus worker (0008's guard), so the desk showed no parcels there. On a worker it
now reads the company and its reception from `public.checkin_desk_route` (0012's reference table), reads its
transition table once into JSON (Citus cannot hand a trigger's tuplestore to a distributed statement), the
recipients' names from the company's own `visits_host` by id, and writes the reception's `readmodel_parcel` in the
company's transaction (tests/citus/test_desk.py). One server runs 0013's statements unchanged.
"""

from importlib import import_module

from django.db import migrations

_PREVIOUS = import_module("shared_apps.tenancy.migrations.0013_desk_parcel_read_model_function").FUNCTION
_GUARD = import_module("shared_apps.tenancy.migrations.0008_desk_read_model_on_citus_workers")._GUARD

# Runs instead of 0008's "return at once" on a worker; ends with RETURN NULL. $1 is always the company's id.
_SHARD = r"""BEGIN
    IF to_regclass('public.tenancy_tenant') IS NULL THEN
        -- A Citus worker: the trigger fired on the company's shard (tenancy migration 0015).
        IF to_regclass('public.checkin_desk_route') IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT r.company_id, r.reception INTO company, reception
        FROM public.checkin_desk_route r WHERE r.schema_name = TG_TABLE_SCHEMA;
        IF reception IS NULL OR to_regclass(quote_ident(reception) || '.readmodel_parcel') IS NULL THEN
            RETURN NULL;
        END IF;
        PERFORM set_config('citus.allow_nested_distributed_execution', 'on', true);
        DECLARE
            tbl text := regexp_replace(TG_TABLE_NAME, '_[0-9]+$', '');  -- the shard's name less its number
            rows jsonb;
            hosts jsonb;
            ids bigint[];
            one record;
        BEGIN
            reception := quote_ident(reception);
            IF tbl = 'parcels_parcel' THEN
                IF TG_OP = 'TRUNCATE' THEN
                    EXECUTE format('DELETE FROM %s.readmodel_parcel WHERE company_id = $1', reception) USING company;
                ELSIF TG_OP = 'DELETE' THEN
                    ids := ARRAY(SELECT o.id FROM old_rows o);
                    EXECUTE format('DELETE FROM %s.readmodel_parcel WHERE company_id = $1 AND parcel_id = ANY($2)',
                                   reception) USING company, ids;
                ELSE
                    rows := (SELECT jsonb_agg(to_jsonb(n)) FROM new_rows n);
                    EXECUTE format(
                        'SELECT jsonb_object_agg(h.id::text, h.name) FROM %s.visits_host h WHERE h.id = ANY($1)', own)
                        INTO hosts USING ARRAY(SELECT (n ->> 'host_id')::bigint FROM jsonb_array_elements(rows) n);
                    EXECUTE format(
                        'INSERT INTO %s.readmodel_parcel AS d (company_id, parcel_id, host_name, carrier, '
                        'tracking_reference, items, received_at, picked_up_at) '
                        'SELECT $1, (n ->> ''id'')::bigint, $3 ->> (n ->> ''host_id''), n ->> ''carrier'', '
                        'n ->> ''tracking_reference'', (n ->> ''items'')::smallint, '
                        '(n ->> ''received_at'')::timestamptz, (n ->> ''picked_up_at'')::timestamptz '
                        'FROM jsonb_array_elements($2) n WHERE $3 ? (n ->> ''host_id'') '
                        'ON CONFLICT (company_id, parcel_id) DO UPDATE SET host_name = excluded.host_name, '
                        'carrier = excluded.carrier, tracking_reference = excluded.tracking_reference, '
                        'items = excluded.items, received_at = excluded.received_at, '
                        'picked_up_at = excluded.picked_up_at '
                        'WHERE (d.host_name, d.carrier, d.tracking_reference, d.items, d.received_at, d.picked_up_at) '
                        'IS DISTINCT FROM (excluded.host_name, excluded.carrier, excluded.tracking_reference, '
                        'excluded.items, excluded.received_at, excluded.picked_up_at)', reception)
                        USING company, rows, coalesce(hosts, '{}'::jsonb);
                END IF;
            ELSIF tbl = 'visits_host' THEN
                -- Only UPDATE fires here (as in 0013): a renamed recipient, one at a time.
                FOR one IN SELECT n.id, n.name FROM new_rows n LOOP
                    EXECUTE format('SELECT array_agg(p.id) FROM %s.parcels_parcel p WHERE p.host_id = $1', own)
                        INTO ids USING one.id;
                    CONTINUE WHEN ids IS NULL;
                    EXECUTE format(
                        'UPDATE %s.readmodel_parcel d SET host_name = $3 WHERE d.company_id = $1 '
                        'AND d.parcel_id = ANY($2) AND d.host_name IS DISTINCT FROM $3', reception)
                        USING company, ids, one.name;
                END LOOP;
            END IF;
        END;
        RETURN NULL;
    END IF;
"""
assert _PREVIOUS.count(_GUARD) == 1
FUNCTION = _PREVIOUS.replace(_GUARD, _SHARD, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0014_self_registration"),
    ]

    operations = [migrations.RunSQL(FUNCTION, reverse_sql=_PREVIOUS)]
