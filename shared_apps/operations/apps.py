from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "shared_apps.operations"
    label = "operations"
    verbose_name = "Operations: proxy certificates, outage pages, failed tasks, logs and metrics"

    def ready(self) -> None:
        from celery.signals import (
            before_task_publish,
            task_failure,
            task_postrun,
            task_prerun,
            worker_init,
            worker_process_shutdown,
        )

        from shared_apps.operations import task_context, worker_metrics
        from shared_apps.operations.task_failures import on_task_failure

        task_failure.connect(on_task_failure, dispatch_uid="checkin.operations.task_failure", weak=False)
        before_task_publish.connect(
            task_context.on_before_task_publish, dispatch_uid="checkin.operations.task_publish", weak=False
        )
        task_prerun.connect(task_context.on_task_prerun, dispatch_uid="checkin.operations.task_prerun", weak=False)
        task_postrun.connect(task_context.on_task_postrun, dispatch_uid="checkin.operations.task_postrun", weak=False)
        task_prerun.connect(worker_metrics.on_task_prerun, dispatch_uid="checkin.metrics.task_prerun", weak=False)
        task_postrun.connect(worker_metrics.on_task_postrun, dispatch_uid="checkin.metrics.task_postrun", weak=False)
        worker_init.connect(worker_metrics.on_worker_init, dispatch_uid="checkin.metrics.worker_init", weak=False)
        worker_process_shutdown.connect(
            worker_metrics.on_worker_process_shutdown, dispatch_uid="checkin.metrics.process_gone", weak=False
        )
