"""Triggers that keep the building's desk read model in step with this company's visits, visitors and hosts.

They call `public.checkin_desk_read_model()` (shared_apps/tenancy/migrations/0004_desk_read_model_function.py),
once per statement, in the statement's own transaction: a purge, an erasure or a correction is on (or off) the
desk when it commits. The company app knows nothing of the desk; the function does (tenant_apps/desk/read_model.py).
"""

from django.db import migrations

FUNCTION = "public.checkin_desk_read_model()"

_TRIGGERS = [
    ("visits_visit", "INSERT", "NEW TABLE AS new_rows"),
    ("visits_visit", "UPDATE", "NEW TABLE AS new_rows"),
    ("visits_visit", "DELETE", "OLD TABLE AS old_rows"),
    ("visits_visit", "TRUNCATE", ""),
    ("visits_visitor", "UPDATE", "NEW TABLE AS new_rows"),
    ("visits_host", "INSERT", "NEW TABLE AS new_rows"),
    ("visits_host", "UPDATE", "NEW TABLE AS new_rows"),
    ("visits_host", "DELETE", "OLD TABLE AS old_rows"),
    ("visits_host", "TRUNCATE", ""),
]


def _name(table: str, event: str) -> str:
    return f"desk_read_model_{table.removeprefix('visits_')}_{event.lower()}"


CREATE = ";\n".join(
    f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
    f"{'REFERENCING ' + transition + ' ' if transition else ''}FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}"
    for table, event, transition in _TRIGGERS
)
DROP = ";\n".join(f"DROP TRIGGER IF EXISTS {_name(table, event)} ON {table}" for table, event, _ in _TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0005_suppressed_email_from_privacy"),
        ("tenancy", "0004_desk_read_model_function"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
