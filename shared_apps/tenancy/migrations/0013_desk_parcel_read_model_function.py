"""The function that keeps each building's desk read model of parcels (`readmodel_parcel`) current.

The same rules as the visits' function (0004): it lives in `public`, runs as its owner (SECURITY DEFINER), takes the
company from the schema of the table that fired and never from the caller, and writes in the company's own
transaction, so a purge or an erasure of a parcel leaves the desk when it commits. It is a function of its own, fired by the triggers of tenant_apps/parcels/migrations/0002 (on `parcels_parcel`, and
on `visits_host` for a renamed recipient), so the visits' function stays as it is. The columns are those the desk's
parcel pages show (tenant_apps/desk/models.py, DeskParcel): no photo, no name of who collected it. With 0008's guard:
on a Citus worker it does nothing, so the desk shows no parcels on Citus yet (0012 made the visits' function write
the reception's rows from the company's shard; parcels do not have that yet).
"""

from importlib import import_module

from django.db import migrations

_GUARD = import_module("shared_apps.tenancy.migrations.0008_desk_read_model_on_citus_workers")._GUARD

FUNCTION = r"""
CREATE OR REPLACE FUNCTION public.checkin_desk_parcels() RETURNS trigger
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
    -- A template, a spare, a company without building or a removed one, a building not migrated yet: nothing.
    IF reception IS NULL OR to_regclass(quote_ident(reception) || '.readmodel_parcel') IS NULL THEN
        RETURN NULL;
    END IF;
    reception := quote_ident(reception);
    IF TG_TABLE_NAME = 'parcels_parcel' THEN
        IF TG_OP = 'TRUNCATE' THEN
            EXECUTE format('DELETE FROM %s.readmodel_parcel WHERE company_id = $1', reception) USING company;
        ELSIF TG_OP = 'DELETE' THEN
            EXECUTE format(
                'DELETE FROM %s.readmodel_parcel d USING old_rows o WHERE d.company_id = $1 AND d.parcel_id = o.id',
                reception) USING company;
        ELSE
            EXECUTE format(
                'INSERT INTO %1$s.readmodel_parcel AS d (company_id, parcel_id, host_name, carrier, '
                'tracking_reference, items, received_at, picked_up_at) '
                'SELECT $1, n.id, h.name, n.carrier, n.tracking_reference, n.items, n.received_at, n.picked_up_at '
                'FROM new_rows n JOIN %2$s.visits_host h ON h.id = n.host_id '
                'ON CONFLICT (company_id, parcel_id) DO UPDATE SET host_name = excluded.host_name, '
                'carrier = excluded.carrier, tracking_reference = excluded.tracking_reference, '
                'items = excluded.items, received_at = excluded.received_at, picked_up_at = excluded.picked_up_at '
                'WHERE (d.host_name, d.carrier, d.tracking_reference, d.items, d.received_at, d.picked_up_at) '
                'IS DISTINCT FROM (excluded.host_name, excluded.carrier, excluded.tracking_reference, '
                'excluded.items, excluded.received_at, excluded.picked_up_at)',
                reception, own) USING company;
        END IF;
    ELSIF TG_TABLE_NAME = 'visits_host' THEN
        -- Only UPDATE fires here (a host with parcels cannot be deleted): a renamed recipient.
        EXECUTE format(
            'UPDATE %1$s.readmodel_parcel d SET host_name = n.name '
            'FROM new_rows n JOIN %2$s.parcels_parcel p ON p.host_id = n.id '
            'WHERE d.company_id = $1 AND d.parcel_id = p.id AND d.host_name IS DISTINCT FROM n.name',
            reception, own) USING company;
    END IF;
    RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION public.checkin_desk_parcels() FROM PUBLIC;
"""
assert FUNCTION.count("\nBEGIN\n") == 1
FUNCTION = FUNCTION.replace("\nBEGIN\n", "\n" + _GUARD, 1)  # nothing to do on a Citus worker (0008)


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0012_desk_read_model_on_citus_shards"),
    ]

    operations = [migrations.RunSQL(FUNCTION, reverse_sql="DROP FUNCTION IF EXISTS public.checkin_desk_parcels()")]
