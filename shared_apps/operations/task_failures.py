"""A background task that failed for good is written down, so IT sees it on the console's maintenance page.

Celery sends `task_failure` once a task raised with no retry left (a retry is not
a failure). The entry goes to the audit log with the task's name, the schema it
ran in and the error's class, never the error's message, which could quote a
visitor's address. Recording never raises: it must not hide the task's own error.
"""

import logging
from typing import Any

from django.db import transaction

from shared_apps.audit.services import audit_record
from shared_apps.database.connection import tenant_connection

logger = logging.getLogger(__name__)

TASK_FAILED = "task.failed"
ACTOR = "system:celery"


def task_failure_record(*, task_name: str, task_id: str | None, error: BaseException) -> None:
    """Append a `task.failed` entry for the task that just failed in the connection's current schema."""
    connection = tenant_connection()
    schema = "" if connection.schema_name == "public" else connection.schema_name
    # Celery wraps an exception it cannot pickle; the wrapper keeps the original class name.
    error_class = getattr(error, "exc_cls_name", None) or type(error).__name__
    try:
        with transaction.atomic():
            audit_record(
                actor=ACTOR, action=TASK_FAILED, tenant_schema=schema,
                object_ids={"task": [task_id]} if task_id else {},
                details={"task": task_name, "error": error_class},
            )  # fmt: skip
    except Exception:
        logger.exception("The failure of task %s could not be written to the audit log", task_name)


def on_task_failure(sender: Any = None, task_id: str | None = None, exception: BaseException | None = None,
                    **kwargs: Any) -> None:  # fmt: skip
    """Receiver of Celery's `task_failure` signal (connected in OperationsConfig.ready)."""
    name = getattr(sender, "name", None) or str(sender)
    task_failure_record(task_name=name, task_id=task_id, error=exception or RuntimeError())
