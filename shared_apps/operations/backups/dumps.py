"""Dumps: one company's schema, or the whole database, in pg_dump's custom format."""

from pathlib import Path

from shared_apps.operations.backups.pg_tools import BackupError, as_owner, pg_binary, run
from shared_apps.tenancy.models import Tenant


def company_for_backup(slug: str) -> Tenant:
    company = Tenant.objects.filter(slug=slug, type=Tenant.Type.COMPANY).first()
    if company is None:
        raise BackupError(f"No company '{slug}'.")
    return company


def company_dump(*, company: Tenant, file: Path) -> Path:
    """The company's schema (its tables, data, indexes and grants) and nothing of anyone else's.

    Its row in `public` (name, building, domains) is not in it: restoring it as
    a live company means provisioning it again first (see the guide).
    """
    run([pg_binary("pg_dump"), "--format=custom", f"--schema={company.schema_name}", *as_owner(), f"--file={file}"])
    return file


def database_dump(*, file: Path) -> Path:
    """Every schema of the database. Roles are the cluster's, not the database's: `restore_backup` makes them."""
    run([pg_binary("pg_dump"), "--format=custom", *as_owner(), f"--file={file}"])
    return file
