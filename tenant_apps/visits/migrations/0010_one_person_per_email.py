# One person per company (issue #22): every stored address is normalised (trimmed, lower-cased), the visitors who
# share one are merged into the oldest of them, keeping every visit and filling only the blanks of the kept one
# (phone, company) from the newest duplicate that has them, and a unique index holds it from then on.

import django.db.models.functions.text
import shared_apps.operations.encryption
from django.db import migrations, models


MERGE_SAME_EMAIL = """
UPDATE visits_visitor SET email = lower(btrim(email)) WHERE email <> lower(btrim(email));
CREATE TEMPORARY TABLE visitor_merge ON COMMIT DROP AS
    SELECT id, min(id) OVER (PARTITION BY email) AS keep FROM visits_visitor WHERE email <> '';
DELETE FROM visitor_merge WHERE id = keep;
UPDATE visits_visitor k SET
    phone = CASE WHEN k.phone <> '' THEN k.phone ELSE coalesce((
        SELECT d.phone FROM visits_visitor d JOIN visitor_merge m ON m.id = d.id
        WHERE m.keep = k.id AND d.phone <> '' ORDER BY d.id DESC LIMIT 1), '') END,
    company_name = CASE WHEN k.company_name <> '' THEN k.company_name ELSE coalesce((
        SELECT d.company_name FROM visits_visitor d JOIN visitor_merge m ON m.id = d.id
        WHERE m.keep = k.id AND d.company_name <> '' ORDER BY d.id DESC LIMIT 1), '') END
WHERE k.id IN (SELECT keep FROM visitor_merge);
UPDATE visits_visit v SET visitor_id = m.keep FROM visitor_merge m WHERE v.visitor_id = m.id;
DELETE FROM visits_visitor p USING visitor_merge m WHERE p.id = m.id;
DROP TABLE visitor_merge;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('visits', '0009_companysettings_reception_email'),
    ]

    operations = [
        migrations.CreateModel(
            name='ObjectionLiftRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', shared_apps.operations.encryption.EncryptedTextField(blank=True)),
                ('email_hash', models.CharField(db_index=True, max_length=64)),
                ('language', models.CharField(choices=[('fr', 'Français'), ('nl', 'Nederlands'), ('en', 'English'), ('de', 'Deutsch')], default='en', max_length=2)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('used_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AddField(
            model_name='visitor',
            name='restricted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='processing restricted since'),
        ),
        migrations.RunSQL(MERGE_SAME_EMAIL, reverse_sql=migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name='visitor',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower(django.db.models.functions.text.Trim('email')), condition=models.Q(('email', ''), _negated=True), name='visitor_one_per_email', violation_error_message='Another person of this company already has this e-mail address.'),
        ),
    ]
