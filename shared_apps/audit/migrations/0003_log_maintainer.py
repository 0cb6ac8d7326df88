from django.db import migrations

# Still append-only for every role but one: the log maintainer (shared_apps/database/db_roles.py), a NOLOGIN role no
# request role is a member of, whose rights are used only inside the SECURITY DEFINER function
# public.checkin_log_maintain, which only the owner may execute: the nightly job (shared_apps/accounts/log_upkeep.py)
# deletes old rows and truncates old addresses through it. Schema roles are named [a-z0-9_] only; the maintainer's
# name ends in "__log-maintainer". TRUNCATE stays refused for everyone.
FORWARD = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND current_user::text ~ '__log-maintainer$' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditentry is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""
BACKWARD = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditentry is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
