# SuppressedEmail now belongs to visits (0005_suppressed_email_from_privacy): state only, the table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0003_purge_run'),
        ('visits', '0005_suppressed_email_from_privacy'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='SuppressedEmail')],
            database_operations=[],
        ),
    ]
