"""The desk's read model marks the visits of a person whose processing is restricted (GDPR art. 18).

The rows already there are copied again after this migration (`readmodel_filled` emptied: `migrate_schemas` ends
with `read_model_fill_all`, tenant_apps/desk/read_model.py), so people restricted before it are marked too.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0003_arrival_unannounced"),
        ("tenancy", "0011_desk_read_model_restricted"),
    ]

    operations = [
        migrations.AddField(
            model_name="deskvisit",
            name="restricted",
            field=models.BooleanField(db_default=False),
        ),
        migrations.RunSQL("DELETE FROM readmodel_filled", reverse_sql=migrations.RunSQL.noop),
    ]
