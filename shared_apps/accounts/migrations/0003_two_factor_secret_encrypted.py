"""TOTP secrets are stored encrypted: the column becomes text and the values already there are encrypted."""

from django.db import migrations

import shared_apps.operations.encryption
from shared_apps.operations.encryption import encrypt_column_operation


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_two_factor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="twofactordevice",
            name="secret",
            field=shared_apps.operations.encryption.EncryptedTextField(),
        ),
        encrypt_column_operation("accounts", "TwoFactorDevice", "secret"),
    ]
