"""Triggers that keep the building's desk read model of parcels in step with this company's parcels and hosts.

They call `public.checkin_desk_parcels()` (shared_apps/tenancy/migrations/0013), once per statement, in the
statement's own transaction, as the visits' triggers call the visits' function (visits/migrations/0006): a purge
or an erasure of a parcel is off the desk when it commits. Parcels knows nothing of the desk; the function does.
"""

from django.db import migrations

FUNCTION = "public.checkin_desk_parcels()"

_TRIGGERS = [
    ("parcels_parcel", "INSERT", "NEW TABLE AS new_rows"),
    ("parcels_parcel", "UPDATE", "NEW TABLE AS new_rows"),
    ("parcels_parcel", "DELETE", "OLD TABLE AS old_rows"),
    ("parcels_parcel", "TRUNCATE", ""),
    ("visits_host", "UPDATE", "NEW TABLE AS new_rows"),  # a renamed recipient
]


def _name(table: str, event: str) -> str:
    return f"desk_parcels_{table}_{event.lower()}"


CREATE = ";\n".join(
    f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
    f"{'REFERENCING ' + transition + ' ' if transition else ''}FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}"
    for table, event, transition in _TRIGGERS
)
DROP = ";\n".join(f"DROP TRIGGER IF EXISTS {_name(table, event)} ON {table}" for table, event, _ in _TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("parcels", "0001_initial"),
        ("tenancy", "0013_desk_parcel_read_model_function"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
