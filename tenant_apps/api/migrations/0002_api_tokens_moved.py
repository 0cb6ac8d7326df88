# A company's tokens move to shared_apps.api_tokens (the same table in every schema); this app's table goes.

from django.db import migrations

from shared_apps.api_tokens.migrations._tokens_move import tokens_move_from


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
        ('api_tokens', '0001_initial'),
    ]

    operations = [
        tokens_move_from('api_apitoken'),
        migrations.DeleteModel(name='ApiToken'),
    ]
