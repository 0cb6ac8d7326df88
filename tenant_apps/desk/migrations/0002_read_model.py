"""The desk's read model replaces the building's `UNION ALL` views (tenant_apps/desk/read_model.py).

The tables start empty: the rows of the companies that exist are copied in at the end of `migrate_schemas`
(`read_model_fill_all`, once every company schema has its triggers), and `manage.py desk_read_model_refill`
copies them again on demand.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0001_desk_views"),
        ("tenancy", "0004_desk_read_model_function"),
    ]

    operations = [
        migrations.DeleteModel(name="DeskHost"),
        migrations.DeleteModel(name="DeskVisit"),
        migrations.RunSQL("DROP VIEW IF EXISTS desk_visits, desk_hosts", reverse_sql=migrations.RunSQL.noop),
        migrations.CreateModel(
            name="DeskVisit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "company",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="tenancy.tenant",
                    ),
                ),
                ("visit_id", models.BigIntegerField()),
                ("code", models.TextField()),
                ("state", models.TextField()),
                ("expected_start", models.DateTimeField()),
                ("expected_end", models.DateTimeField()),
                ("checked_in_at", models.DateTimeField(null=True)),
                ("checked_out_at", models.DateTimeField(null=True)),
                ("first_name", models.TextField()),
                ("last_name", models.TextField()),
                ("visitor_company", models.TextField()),
                ("host_name", models.TextField()),
            ],
            options={
                "db_table": "readmodel_visit",
                "ordering": ["expected_start", "company_id", "visit_id"],
                "constraints": [models.UniqueConstraint(fields=("company", "visit_id"), name="readmodel_visit_key")],
                "indexes": [
                    models.Index(fields=["expected_end"], name="readmodel_visit_end_idx"),
                    models.Index(
                        condition=models.Q(("state", "on_site")), fields=["state"], name="readmodel_visit_on_site_idx"
                    ),
                    models.Index(fields=["code"], name="readmodel_visit_code_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="DeskHost",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "company",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="tenancy.tenant",
                    ),
                ),
                ("host_id", models.BigIntegerField()),
                ("name", models.TextField()),
            ],
            options={
                "db_table": "readmodel_host",
                "ordering": ["name"],
                "constraints": [models.UniqueConstraint(fields=("company", "host_id"), name="readmodel_host_key")],
            },
        ),
        migrations.CreateModel(
            name="ReadModelFilled",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("filled_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"db_table": "readmodel_filled"},
        ),
    ]
