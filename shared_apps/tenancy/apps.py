from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "shared_apps.tenancy"
    label = "tenancy"
    verbose_name = "Buildings and companies"

    def ready(self) -> None:
        # Requests and Celery tasks run as the role of the schema they serve (shared_apps/database/db_roles.py).
        import tenant_schemas_celery.app  # noqa: F401 - its schema switch must run before ours
        from celery.signals import task_postrun, task_prerun
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete
        from django_tenants.signals import tenant_delete_callback

        from shared_apps.database import db_roles
        from shared_apps.database.connection import connections_tidy_around_task
        from shared_apps.tenancy.models import Tenant

        request_started.connect(db_roles.on_request_started, dispatch_uid="checkin_role_request_started")
        request_finished.connect(db_roles.on_request_finished, dispatch_uid="checkin_role_request_finished")
        task_prerun.connect(db_roles.on_task_prerun, dispatch_uid="checkin_role_task_prerun")
        task_postrun.connect(db_roles.on_task_postrun, dispatch_uid="checkin_role_task_postrun")
        # A worker keeps its connection from task to task as a web worker does from request to request.
        task_prerun.connect(connections_tidy_around_task, dispatch_uid="checkin_connections_task_prerun")
        task_postrun.connect(connections_tidy_around_task, dispatch_uid="checkin_connections_task_postrun")
        # django-tenants listens to every model's deletions to drop a deleted tenant's schema. A listener for
        # all models makes every `QuerySet.delete()` read its rows before deleting them; listen for tenants only.
        post_delete.disconnect(tenant_delete_callback)
        post_delete.connect(tenant_delete_callback, sender=Tenant, dispatch_uid="checkin_tenant_delete_schema")
