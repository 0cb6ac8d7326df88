"""The Celery app. Tasks carry the schema they were sent from (tenant-schemas-celery)."""

import os
from typing import Any

from celery.signals import beat_init, setup_logging, worker_init
from tenant_schemas_celery.app import CeleryApp
from tenant_schemas_celery.task import TenantTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")


class SchemaTask(TenantTask):
    """A task run in the schema it was sent from. Its company is read afresh for every task (nothing remembered
    between tasks), with the building in the same statement: the messages name both."""

    abstract = True

    @classmethod
    def get_tenant_for_schema(cls, schema_name: str) -> Any:
        from shared_apps.tenancy.models import Tenant

        return Tenant.objects.select_related("building").get(schema_name=schema_name)


app = CeleryApp("checkin", task_cls=SchemaTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _logging_from_settings(**kwargs: Any) -> None:
    """Worker and beat log as the web does (settings.LOGGING: JSON lines with the task's context), not Celery's way."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@worker_init.connect
@beat_init.connect
def _refuse_a_superuser_login(**kwargs: Any) -> None:
    """Worker and beat exit with one line when DATABASE_URL is a PostgreSQL superuser (production settings)."""
    from shared_apps.database.login_guard import exit_if_superuser_login

    exit_if_superuser_login()
