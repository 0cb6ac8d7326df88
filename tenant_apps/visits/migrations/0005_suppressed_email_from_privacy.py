# The objection rule moved from privacy to visits (visits owns visitor creation; privacy builds on visits).
# State only: the table `privacy_suppressedemail` keeps its name and its rows.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('visits', '0004_webhook_secret_encrypted'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SuppressedEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'privacy_suppressedemail',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
