"""The desk read model's function does nothing where `public.tenancy_tenant` does not exist: on a Citus worker.

On Citus (deploy/README.md, "Citus") a company's tables are shards on a worker, and the triggers of
tenant_apps/visits/migrations/0006 fire there, on the shard, where the platform's tables of `public` (on the
coordinator) are not: the function cannot know the company's building, and a write to the reception schema from
inside a shard would be a second distributed transaction, not the company's own. So there it returns at once and
the visit is stored; the desk's read model is not written on Citus (README, "Reception desk"). On one server the
table is always there and nothing changes. The rest is 0005's function unchanged.
"""

from importlib import import_module

from django.db import migrations

_PREVIOUS = import_module("shared_apps.tenancy.migrations.0005_desk_read_model_code_column").FUNCTION
_GUARD = (
    "BEGIN\n"
    "    IF to_regclass('public.tenancy_tenant') IS NULL THEN  -- a Citus worker: see this migration\n"
    "        RETURN NULL;\n"
    "    END IF;\n"
)
assert _PREVIOUS.count("\nBEGIN\n") == 1
FUNCTION = _PREVIOUS.replace("\nBEGIN\n", "\n" + _GUARD, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0007_building_kiosk_branding"),
    ]

    operations = [migrations.RunSQL(FUNCTION, reverse_sql=_PREVIOUS)]
