"""Celery tasks: the daily purge and purge warnings, export writing and expiry.

The `*_all` tasks run from beat in the public schema and send one task per
company schema (tenant-schemas-celery carries the schema in the headers).
"""

from celery import Task, shared_task

from shared_apps.database.every_schema import in_every_schema
from shared_apps.operations.broker import schema_headers
from shared_apps.tenancy.selectors import companies_maintained
from tenant_apps.privacy.exports.final import final_export_generate
from tenant_apps.privacy.exports.lifecycle import export_generate, exports_expire
from tenant_apps.privacy.models import Export
from tenant_apps.privacy.notices import purge_notice_send
from tenant_apps.privacy.person_link_request import person_link_send
from tenant_apps.privacy.purge import company_purge
from tenant_apps.privacy.resume import exports_resume, purge_resume
from tenant_apps.privacy.subject_requests import subject_messages_forget


def _for_each_company(task: Task) -> int:
    sending = in_every_schema(
        companies_maintained(), lambda company: task.apply_async(headers=schema_headers(company.schema_name))
    )
    return sum(1 for _ in sending)


# Safe to run twice (it deletes what is left), so given back to the queue if its worker dies.
@shared_task(name="privacy.purge_company", acks_late=True, reject_on_worker_lost=True)
def purge_company_task() -> dict[str, int]:
    return company_purge().deleted


@shared_task(name="privacy.purge_all")
def purge_all_task() -> int:
    return _for_each_company(purge_company_task)


def _resume_company() -> int:
    subject_messages_forget()  # the addresses kept for the visitors' e-mails sent (or given up) since
    return exports_resume() + purge_resume()


@shared_task(name="privacy.resume_all")
def resume_all_task() -> int:
    """Every minute (beat): send again the exports and purges a lost worker cut short, company by company, and
    forget the addresses of the data-subject e-mails that have gone."""
    resuming = in_every_schema(companies_maintained(), lambda _: _resume_company())
    return sum(resumed for _, resumed in resuming)


@shared_task(name="privacy.purge_notice_company")
def purge_notice_company_task() -> bool:
    return purge_notice_send() is not None


@shared_task(name="privacy.purge_notices_all")
def purge_notices_all_task() -> int:
    return _for_each_company(purge_notice_company_task)


@shared_task(name="privacy.exports_expire_company")
def exports_expire_company_task() -> int:
    return exports_expire()


@shared_task(name="privacy.exports_expire_all")
def exports_expire_all_task() -> int:
    return _for_each_company(exports_expire_company_task)


# Acknowledged late and given back to the queue if its worker process dies (OOM, SIGKILL, a node lost): by
# default Celery acknowledges such a message, and the export would stay "being prepared" forever. A message
# that kills every worker does not loop: export_generate gives up after CHECKIN_EXPORT_MAX_ATTEMPTS runs.
@shared_task(name="privacy.export_generate", acks_late=True, reject_on_worker_lost=True)
def export_generate_task(export_id: int) -> str:
    if Export.objects.filter(pk=export_id, kind=Export.Kind.FINAL).exists():
        return final_export_generate(export_id=export_id).status
    return export_generate(export_id=export_id).status


# Not acknowledged late: a run cut short is lost (the visitor asks again) rather than done twice (two e-mails).
@shared_task(name="privacy.person_link_send")
def person_link_send_task(sealed: str) -> bool:
    """A visitor's ask for their privacy link, sent from `/privacy/me/` (tenant_apps/privacy/person_link_request.py)."""
    return person_link_send(sealed)
