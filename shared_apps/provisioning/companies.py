"""A company's life on the platform, top to bottom: created, provisioned whole, edited, suspended, reactivated,
removed, then dropped.

Provisioning is the one service that console, commands and API call: the
schema, its hosts, its logo and its first admin exist together or not at all.
The first admin's invitation e-mail leaves only once the transaction committed.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator, validate_email
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import quote_schema_name, schema_exists, tenant_context

from shared_apps.accounts.invitations import user_invite
from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from shared_apps.database import db_roles
from shared_apps.provisioning.reception import reception_company_forget
from shared_apps.provisioning.tenant_schemas import tenant_create, validate_name
from shared_apps.tenancy.conflicts import Conflict
from shared_apps.tenancy.links import host_for, tenant_url
from shared_apps.tenancy.models import Building, Domain, Tenant
from shared_apps.tenancy.slugs import validate_new_slug, validate_slug_format
from shared_apps.tenancy.text import text_clean
from tenant_apps.parcels.services import label_photos_drop_all
from tenant_apps.privacy.exports.final import company_final_export
from tenant_apps.privacy.exports.lifecycle import exports_delete_all
from tenant_apps.privacy.retention import retention_default_apply

_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate_custom_domain(domain: str, *, company: Tenant | None = None) -> str:
    """A custom domain is a full host name of its own, outside the platform's root, used by no other tenant."""
    domain = domain.strip().lower().rstrip(".")
    root = settings.CHECKIN_ROOT_DOMAIN
    if not _HOSTNAME.match(domain):
        raise ValidationError({"custom_domain": _("“%(domain)s” is not a valid host name, e.g. visit.example.com.")
                               % {"domain": domain}})  # fmt: skip
    if domain == root or domain.endswith(f".{root}"):
        raise Conflict(  # the platform's own names
            {"custom_domain": _("Host names under %(root)s are given by the slug: choose a domain of your own.")
             % {"root": root}}
        )  # fmt: skip
    taken = Domain.objects.filter(domain=domain)
    if company is not None:
        taken = taken.exclude(tenant=company)
    if taken.exists():
        raise Conflict({"custom_domain": _("“%(domain)s” is already used by another tenant.") % {"domain": domain}})
    return domain


def validate_admin_email(email: str, *, field: str = "admin_email") -> str:
    """The address as the account stores it: lower-cased, then checked, length included (lower-casing can
    lengthen it, and a column too short for it is a database error). Refusals name `field`."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({field: _("Enter a valid e-mail address.")}) from None
    try:
        MaxLengthValidator(User._meta.get_field("email").max_length)(email)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return email


def _custom_domain_set(*, company: Tenant, domain: str) -> None:
    Domain.objects.filter(tenant=company, is_primary=False).delete()
    if domain:
        Domain.objects.create(domain=domain, tenant=company, is_primary=False)


def _first_admin_create(*, company: Tenant, email: str, base_url: str) -> User:
    with tenant_context(company):
        admin = User(email=email, full_name=email.split("@")[0], role=User.Role.ADMIN)
        admin.set_unusable_password()
        admin.save()

    def send_invitation() -> None:
        # user_invite re-sends the link to the account created above.
        with tenant_context(company):
            user_invite(email=email, full_name=admin.full_name, role=User.Role.ADMIN, base_url=base_url,
                        site_name=company.name)  # fmt: skip

    transaction.on_commit(send_invitation)
    return admin


@db_roles.owner_privileges
@transaction.atomic
def company_create(*, building: Building | str, slug: str, name: str, actor: str = "system") -> Tenant:
    """Create a company in a building with its own schema and host `<slug>.<root>`, all or nothing.

    The company starts with its building's default retention period.
    """
    validate_slug_format(slug)
    if isinstance(building, str):
        found = Building.objects.filter(slug=building).first()
        if found is None:
            raise ValidationError({"building": f"Unknown building '{building}'."})
        building = found
    name = validate_name(name)
    validate_new_slug(slug, host=host_for(slug))
    company = tenant_create(tenant_type=Tenant.Type.COMPANY, slug=slug, name=name, building=building)
    with tenant_context(company):
        retention_default_apply(retention_days=building.default_retention_days)
    audit_record(
        actor=actor, action="company.create", tenant_schema=company.schema_name,
        object_ids={"building": [building.pk], "tenant": [company.pk]},
    )  # fmt: skip
    return company


@db_roles.owner_privileges
@transaction.atomic
def company_provision(
    *,
    building: Building | str,
    slug: str,
    name: str,
    actor: str,
    request: HttpRequest | None = None,
    admin_email: str = "",
    custom_domain: str = "",
    logo: UploadedFile | None = None,
) -> Tenant:
    """Create a live company: schema, hosts, logo and first admin, all or nothing; the admin is invited after commit.

    Without `admin_email` (a command run by IT who invites later) no account is created.
    """
    admin_email = validate_admin_email(admin_email) if admin_email.strip() else ""
    custom_domain = validate_custom_domain(custom_domain) if custom_domain.strip() else ""
    company = company_create(building=building, slug=slug, name=name, actor=actor)
    if company.building is not None and company.building.archived_at is not None:
        raise Conflict({"building": _("This building is archived.")})
    _custom_domain_set(company=company, domain=custom_domain)
    if logo is not None:
        company.logo.save(logo.name or "logo.png", logo, save=True)
    base_url = tenant_url(company)
    admins = [_first_admin_create(company=company, email=admin_email, base_url=base_url)] if admin_email else []
    audit_record(
        actor=actor, action="company.provision", tenant_schema=company.schema_name, request=request,
        object_ids={"tenant": [company.pk], "user": [admin.pk for admin in admins]},
        details={"custom_domain": bool(custom_domain), "logo": logo is not None},
    )  # fmt: skip
    return company


@transaction.atomic
def company_update(
    *,
    company: Tenant,
    actor: str,
    name: str,
    custom_domain: str,
    request: HttpRequest | None = None,
    logo: UploadedFile | None = None,
    logo_clear: bool = False,
) -> Tenant:
    """Change a company's display name, custom domain or logo; its slug, schema and primary host never change."""
    name = text_clean(name)
    if not name:
        raise ValidationError({"name": _("A name is required.")})
    custom_domain = validate_custom_domain(custom_domain, company=company) if custom_domain.strip() else ""
    changed = []
    if name != company.name:
        company.name = name
        changed.append("name")
    current = company.domains.filter(is_primary=False).values_list("domain", flat=True).first() or ""
    if custom_domain != current:
        _custom_domain_set(company=company, domain=custom_domain)
        changed.append("custom_domain")
    if logo is not None or (logo_clear and company.logo):
        if company.logo:
            company.logo.delete(save=False)
        if logo is not None:
            company.logo.save(logo.name or "logo.png", logo, save=False)
        changed.append("logo")
    company.save()
    audit_record(
        actor=actor, action="company.update", tenant_schema=company.schema_name, request=request,
        object_ids={"tenant": [company.pk]}, details={"changed": changed},
    )  # fmt: skip
    return company


def _status_change(
    *, company: Tenant, actor: str, allowed_from: str, to: str, action: str, request: HttpRequest | None
) -> Tenant:
    if company.status != allowed_from:
        raise Conflict(
            _("This company is %(status)s: that is not possible now.") % {"status": company.get_status_display()}
        )
    company.status = to
    company.save(update_fields=["status"])  # the desk reads the status: it shows active companies only
    audit_record(actor=actor, action=action, tenant_schema=company.schema_name, request=request,
                 object_ids={"tenant": [company.pk]})  # fmt: skip
    return company


@transaction.atomic
def company_suspend(*, company: Tenant, actor: str, request: HttpRequest | None = None) -> Tenant:
    """Suspend an active company: its hosts show the suspended page, the kiosk stops offering it, data stays."""
    return _status_change(company=company, actor=actor, allowed_from=Tenant.Status.ACTIVE,
                          to=Tenant.Status.SUSPENDED, action="company.suspend", request=request)  # fmt: skip


@transaction.atomic
def company_reactivate(*, company: Tenant, actor: str, request: HttpRequest | None = None) -> Tenant:
    """Bring a suspended company back, as it was."""
    return _status_change(company=company, actor=actor, allowed_from=Tenant.Status.SUSPENDED,
                          to=Tenant.Status.ACTIVE, action="company.reactivate", request=request)  # fmt: skip


@transaction.atomic
def company_remove(
    *, company: Tenant, actor: str, request: HttpRequest | None = None, now: datetime.datetime | None = None
) -> Tenant:
    """Mark a company removed: its hosts 404 at once; its schema is dropped after the grace period."""
    if company.type != Tenant.Type.COMPANY or company.status not in (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED):
        raise Conflict(_("Only an active or suspended company can be removed."))
    company.status = Tenant.Status.REMOVED
    company.schema_drop_after = (now or timezone.now()) + datetime.timedelta(days=settings.CHECKIN_REMOVAL_GRACE_DAYS)
    company.save(update_fields=["status", "schema_drop_after"])
    reception_company_forget(company=company)  # off the desk in this transaction
    # Its admins get everything the company had, by a link that outlives the company's host.
    transaction.on_commit(lambda: company_final_export(company, actor=actor), robust=True)
    audit_record(
        actor=actor, action="company.remove", tenant_schema=company.schema_name, request=request,
        object_ids={"tenant": [company.pk]},
        details={"schema_drop_after": company.schema_drop_after.isoformat()},
    )  # fmt: skip
    return company


@db_roles.owner_privileges
def company_schemas_drop_due(*, actor: str, now: datetime.datetime | None = None) -> list[str]:
    """DROP SCHEMA ... CASCADE for every removed company whose grace period is over, one transaction each.

    Its hosts are deleted with it; the tenant row stays, so the slug is never reused
    and the audit log keeps pointing at something.
    """
    due = Tenant.objects.filter(
        type=Tenant.Type.COMPANY, status=Tenant.Status.REMOVED, schema_drop_after__lte=now or timezone.now()
    ).order_by("schema_drop_after")
    dropped = []
    for company in due:
        with transaction.atomic():
            if schema_exists(company.schema_name):
                with tenant_context(company):
                    exports_delete_all(reason="company_removed")  # files in storage go with the schema
                    label_photos_drop_all()  # so do the photos of parcel labels
                with connection.cursor() as cursor:
                    # Deferred foreign-key checks still pending in this transaction would block the drop.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute(f"DROP SCHEMA {quote_schema_name(company.schema_name)} CASCADE")
                    for statement in db_roles.schema_role_drop_statements(company.schema_name):
                        cursor.execute(statement)
            company.domains.all().delete()
            if company.logo:
                company.logo.delete(save=False)
            company.schema_drop_after = None
            company.save(update_fields=["schema_drop_after", "logo"])
            audit_record(actor=actor, action="company.schema_drop", tenant_schema=company.schema_name,
                         object_ids={"tenant": [company.pk]})  # fmt: skip
        dropped.append(company.schema_name)
    return dropped
