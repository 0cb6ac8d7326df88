"""The parcels of the company, received at the building's desk (tenant_apps/parcels/models.py)."""

import django.core.validators
import django.db.models.deletion
import tenant_apps.parcels.models
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('visits', '0013_arrival_unannounced'),
    ]

    operations = [
        migrations.CreateModel(
            name='Parcel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('carrier', models.CharField(max_length=100, verbose_name='carrier')),
                ('tracking_reference', models.CharField(blank=True, max_length=100, verbose_name='tracking reference')),
                ('items', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(99)], verbose_name='items')),
                ('label_photo', models.ImageField(blank=True, upload_to=tenant_apps.parcels.models.label_photo_path, verbose_name='photo of the label')),
                ('received_at', models.DateTimeField(verbose_name='received')),
                ('received_by', models.CharField(max_length=200, verbose_name='received by')),
                ('picked_up_at', models.DateTimeField(blank=True, null=True, verbose_name='collected')),
                ('picked_up_by', models.CharField(blank=True, max_length=150, verbose_name='collected by')),
                ('pick_up_recorded_by', models.CharField(blank=True, max_length=200)),
                ('host', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='parcels', to='visits.host', verbose_name='recipient')),
            ],
            options={
                'ordering': ['-received_at', '-id'],
                'indexes': [models.Index(fields=['received_at'], name='parcel_received_idx'), models.Index(fields=['picked_up_at'], name='parcel_picked_up_idx')],
            },
        ),
    ]
