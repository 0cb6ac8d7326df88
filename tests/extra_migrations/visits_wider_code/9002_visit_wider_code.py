from django.db import migrations, models

import tenant_apps.visits.models


class Migration(migrations.Migration):
    dependencies = [("visits", "9001_visit_badge_colour")]
    operations = [
        migrations.AlterField(
            "visit",
            "code",
            models.CharField(max_length=24, unique=True, default=tenant_apps.visits.models.new_visit_code),
        )
    ]
