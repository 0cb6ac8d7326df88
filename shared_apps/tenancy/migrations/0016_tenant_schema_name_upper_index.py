"""An index on UPPER(schema_name): django-tenants' check that a new tenant's schema name differs from every other's
in more than case read all of tenancy_tenant at each provisioning."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenancy', '0015_desk_parcels_on_citus_shards'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='tenant',
            index=models.Index(django.db.models.functions.text.Upper('schema_name'), name='tenant_schema_name_upper'),
        ),
    ]
