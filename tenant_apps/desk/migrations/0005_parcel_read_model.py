"""The desk's read model of parcels, written by `public.checkin_desk_parcels()` (tenancy migration 0013)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('desk', '0004_restricted'),
        ('tenancy', '0013_desk_parcel_read_model_function'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeskParcel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('company', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tenancy.tenant')),
                ('parcel_id', models.BigIntegerField()),
                ('host_name', models.TextField()),
                ('carrier', models.TextField()),
                ('tracking_reference', models.TextField()),
                ('items', models.IntegerField()),
                ('received_at', models.DateTimeField()),
                ('picked_up_at', models.DateTimeField(null=True)),
            ],
            options={
                'db_table': 'readmodel_parcel',
                'ordering': ['received_at', 'company_id', 'parcel_id'],
                'indexes': [models.Index(condition=models.Q(('picked_up_at', None)), fields=['received_at'], name='readmodel_parcel_wait_idx'), models.Index(fields=['picked_up_at'], name='readmodel_parcel_picked_idx')],
                'constraints': [models.UniqueConstraint(fields=('company', 'parcel_id'), name='readmodel_parcel_key')],
            },
        ),
    ]
