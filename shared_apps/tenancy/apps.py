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
        from django.db.models.signals import post_delete, post_save
        from django_tenants.signals import tenant_delete_callback

        from shared_apps.tenancy import db_roles
        from shared_apps.tenancy.host_cache import host_cache_clear
        from shared_apps.tenancy.models import Building, Domain, Tenant

        request_started.connect(db_roles.on_request_started, dispatch_uid="checkin_role_request_started")
        request_finished.connect(db_roles.on_request_finished, dispatch_uid="checkin_role_request_finished")
        task_prerun.connect(db_roles.on_task_prerun, dispatch_uid="checkin_role_task_prerun")
        task_postrun.connect(db_roles.on_task_postrun, dispatch_uid="checkin_role_task_postrun")
        # A change to who serves a host is seen at once by this process (shared_apps/tenancy/host_cache.py).
        for model in (Tenant, Domain, Building):
            post_save.connect(host_cache_clear, sender=model, dispatch_uid=f"checkin_host_cache_save_{model.__name__}")
            post_delete.connect(host_cache_clear, sender=model, dispatch_uid=f"checkin_host_cache_del_{model.__name__}")
        # django-tenants listens to every model's deletions to drop a deleted tenant's schema. A listener for
        # all models makes every `QuerySet.delete()` read its rows before deleting them; listen for tenants only.
        post_delete.disconnect(tenant_delete_callback)
        post_delete.connect(tenant_delete_callback, sender=Tenant, dispatch_uid="checkin_tenant_delete_schema")
