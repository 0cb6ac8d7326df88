from django.db import migrations


class Migration(migrations.Migration):
    """Shared fixed-window counters (shared_apps/login_throttle/counters.py): UNLOGGED, as counts may be lost."""

    dependencies = [("login_throttle", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=[
                "CREATE UNLOGGED TABLE public.rate_counter ("
                " key varchar(200) NOT NULL,"
                " window_start timestamptz NOT NULL,"
                " expires_at timestamptz NOT NULL,"
                " count integer NOT NULL,"
                " PRIMARY KEY (key, window_start))",
                "CREATE INDEX rate_counter_expires_at ON public.rate_counter (expires_at)",
            ],
            reverse_sql=["DROP TABLE public.rate_counter"],
        ),
    ]
