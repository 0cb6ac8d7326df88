from django.db import migrations, models

from tests.extra_migrations import latest_visits_migration


class Migration(migrations.Migration):
    dependencies = [("visits", latest_visits_migration())]
    operations = [migrations.AddField("visit", "badge_colour", models.CharField(max_length=20, null=True))]
