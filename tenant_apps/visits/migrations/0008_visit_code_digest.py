"""Visit codes are kept only as their keyed digest (shared_apps/operations/encryption.py, `code_digest`).

Existing codes are digested, so invitations already sent keep working; migrating back draws new codes.
"""

from django.db import migrations, models

import tenant_apps.visits.models
from shared_apps.operations.encryption import code_digest_operation


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0007_privacy_contact"),
    ]

    operations = [
        migrations.AddField(model_name="visit", name="code_digest", field=models.CharField(max_length=64, null=True)),
        migrations.AlterField(
            model_name="visit", name="code", field=models.CharField(max_length=16, null=True, unique=True)
        ),
        code_digest_operation(
            "visits", "visit", code="code", digest="code_digest", new_code=tenant_apps.visits.models.new_visit_code
        ),
        migrations.RemoveField(model_name="visit", name="code"),
        migrations.AlterField(
            model_name="visit", name="code_digest", field=models.CharField(max_length=64, unique=True)
        ),
    ]
