"""Webhook signing secrets are stored encrypted: the column becomes text and the values already there are encrypted."""

from django.db import migrations

import shared_apps.operations.encryption
from shared_apps.operations.encryption import encrypt_column_operation


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0003_visit_event_updated"),
    ]

    operations = [
        migrations.AlterField(
            model_name="companysettings",
            name="webhook_secret",
            field=shared_apps.operations.encryption.EncryptedTextField(blank=True, verbose_name="webhook secret"),
        ),
        encrypt_column_operation("visits", "CompanySettings", "webhook_secret"),
    ]
