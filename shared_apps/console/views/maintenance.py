"""The fleet overview for IT: buildings, companies, schemas, today's visits, last purges and failed tasks."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shared_apps.accounts.access import rule_required
from shared_apps.console.access import is_platform_it
from shared_apps.console.failed_tasks import failed_tasks
from shared_apps.console.selectors import fleet_overview
from shared_apps.operations.task_failures import TASK_FAILED


@rule_required(is_platform_it)
def maintenance(request: HttpRequest) -> HttpResponse:
    failed = failed_tasks()
    context = {"fleet": fleet_overview(), "failed": failed, "task_failed": TASK_FAILED,
               "failed_since": failed.since.date().isoformat()}  # fmt: skip
    return render(request, "console/maintenance.html", context)
