from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "shared_apps.operations"
    label = "operations"
    verbose_name = "Operations: proxy certificates, outage pages, failed tasks, logs and metrics"

    def ready(self) -> None:
        from celery.signals import before_task_publish, task_failure, task_postrun, task_prerun

        from shared_apps.operations import task_context
        from shared_apps.operations.task_failures import on_task_failure

        task_failure.connect(on_task_failure, dispatch_uid="checkin.operations.task_failure", weak=False)
        before_task_publish.connect(
            task_context.on_before_task_publish, dispatch_uid="checkin.operations.task_publish", weak=False
        )
        task_prerun.connect(task_context.on_task_prerun, dispatch_uid="checkin.operations.task_prerun", weak=False)
        task_postrun.connect(task_context.on_task_postrun, dispatch_uid="checkin.operations.task_postrun", weak=False)
