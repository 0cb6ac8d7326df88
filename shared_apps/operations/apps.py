from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "shared_apps.operations"
    label = "operations"
    verbose_name = "Operations: proxy certificates, outage pages, failed tasks"

    def ready(self) -> None:
        from celery.signals import task_failure

        from shared_apps.operations.task_failures import on_task_failure

        task_failure.connect(on_task_failure, dispatch_uid="checkin.operations.task_failure", weak=False)
