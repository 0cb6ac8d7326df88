"""The read model's visit code column holds the keyed digest of the code (tenancy 0005's trigger function writes
it): the model names it `code_digest`, the column keeps its name `code`, so nothing changes in the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0002_read_model"),
        ("tenancy", "0005_desk_read_model_code_digest"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="deskvisit", name="readmodel_visit_code_idx"),
                migrations.RenameField(model_name="deskvisit", old_name="code", new_name="code_digest"),
                migrations.AlterField(
                    model_name="deskvisit", name="code_digest", field=models.TextField(db_column="code")
                ),
                migrations.AddIndex(
                    model_name="deskvisit",
                    index=models.Index(fields=["code_digest"], name="readmodel_visit_code_idx"),
                ),
            ],
        ),
    ]
