from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "shared_apps.tenancy"
    label = "tenancy"
    verbose_name = "Buildings and companies"

    def ready(self) -> None:
        # Requests and Celery tasks run as the role of the schema they serve (shared_apps/tenancy/db_roles.py).
        import tenant_schemas_celery.app  # noqa: F401 - its schema switch must run before ours
        from celery.signals import task_postrun, task_prerun
        from django.core.signals import request_finished, request_started

        from shared_apps.tenancy import db_roles

        request_started.connect(db_roles.on_request_started, dispatch_uid="checkin_role_request_started")
        request_finished.connect(db_roles.on_request_finished, dispatch_uid="checkin_role_request_finished")
        task_prerun.connect(db_roles.on_task_prerun, dispatch_uid="checkin_role_task_prerun")
        task_postrun.connect(db_roles.on_task_postrun, dispatch_uid="checkin_role_task_postrun")
