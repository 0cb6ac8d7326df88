from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("visits", "9001_visit_badge_colour")]
    operations = [
        migrations.AlterField(
            "visit",
            "code_digest",
            models.CharField(max_length=72, db_index=True),  # shared by the days of a series (visits 0011)
        )
    ]
