"""A delivery may be about a parcel: the recipient's notice that it waits at the reception."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0009_delivery_chat_kinds'),
        ('parcels', '0002_desk_read_model_triggers'),
    ]

    operations = [
        migrations.AddField(
            model_name='delivery',
            name='parcel',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='parcels.parcel'),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='kind',
            field=models.CharField(choices=[('invitation', 'invitation e-mail'), ('cancellation', 'cancellation e-mail'), ('reschedule', 'new-time e-mail'), ('host_email', 'arrival e-mail to the host'), ('host_webhook', 'arrival webhook'), ('host_teams', 'arrival message in Microsoft Teams'), ('host_slack', 'arrival message in Slack'), ('reception_email', 'walk-in e-mail to the reception'), ('approval_email', 'approval request e-mail'), ('approval_webhook', 'approval request webhook'), ('consent_confirm', 'renewed-consent confirmation e-mail'), ('person_link', 'privacy-link e-mail'), ('subject_notice', 'data-subject request e-mail to an admin'), ('subject_extended', 'deadline-extension e-mail'), ('subject_outcome', 'data-subject request outcome e-mail'), ('parcel_email', 'parcel e-mail to the recipient')], max_length=16, verbose_name='kind'),
        ),
    ]
