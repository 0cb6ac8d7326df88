"""Joins two migrations that landed on main with the same number (the desk read model's triggers, #21, and the
company's privacy contact, #22); neither touches the other's tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0006_desk_read_model_triggers"),
        ("visits", "0006_privacy_contact"),
    ]

    operations: list[migrations.operations.base.Operation] = []
