"""Pairing codes are kept only as their keyed digest (shared_apps/operations/encryption.py, `code_digest`).

Codes still pending are digested and keep working; migrating back draws new codes.
"""

from django.db import migrations, models

import tenant_apps.kiosk.tokens
from shared_apps.operations.encryption import code_digest_operation


class Migration(migrations.Migration):
    dependencies = [
        ("kiosk", "0002_kiosk_state_nonce"),
    ]

    operations = [
        migrations.AddField(
            model_name="pairingcode", name="code_digest", field=models.CharField(max_length=64, null=True)
        ),
        migrations.AlterField(
            model_name="pairingcode", name="code", field=models.CharField(max_length=12, null=True, unique=True)
        ),
        code_digest_operation(
            "kiosk", "pairingcode", code="code", digest="code_digest", new_code=tenant_apps.kiosk.tokens.pairing_code_new
        ),
        migrations.RemoveField(model_name="pairingcode", name="code"),
        migrations.AlterField(
            model_name="pairingcode", name="code_digest", field=models.CharField(max_length=64, unique=True)
        ),
    ]
