"""Provisioning a company is one transaction: a failure at any step leaves nothing behind."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_tenants.utils import schema_exists, tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from shared_apps.provisioning import companies, tenant_schemas
from shared_apps.provisioning.buildings import building_create
from shared_apps.provisioning.companies import company_provision
from shared_apps.tenancy.models import BuildingDocument, Domain, Tenant

pytestmark = pytest.mark.django_db


class Injected(RuntimeError):
    pass


def _fail(*args, **kwargs):
    raise Injected("injected failure")


def _nothing_left(slug: str) -> bool:
    return not (
        schema_exists(slug.replace("-", "_"))
        or Tenant.objects.filter(slug=slug).exists()
        or Domain.objects.filter(tenant__slug=slug).exists()
        or Domain.objects.filter(domain="visit.umbrella.example").exists()
        or AuditEntry.objects.filter(tenant_schema=slug.replace("-", "_")).exists()
    )


def _provision(tower, slug="umbrella"):
    return company_provision(
        building=tower, slug=slug, name="Umbrella", admin_email="boss@umbrella.example",
        custom_domain="visit.umbrella.example", actor="test",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (tenant_schemas, "clone_schema"),  # the schema
        (tenant_schemas.Domain.objects, "create"),  # the primary host
        (companies, "_custom_domain_set"),  # the custom host
        (companies, "_first_admin_create"),  # the first admin's account and invitation
        (companies, "audit_record"),  # the audit entry
    ],
    ids=["schema", "domain", "custom-domain", "invitation", "audit"],
)
def test_a_failure_at_any_step_leaves_nothing(tower, monkeypatch, module, name):
    monkeypatch.setattr(module, name, _fail)
    with pytest.raises(Injected), transaction.atomic():
        _provision(tower)
    assert _nothing_left("umbrella")
    assert mail.outbox == []


def test_it_provisions_a_company_with_hosts_logo_and_an_invited_admin(
    tower, client_for, django_capture_on_commit_callbacks
):
    logo = SimpleUploadedFile("logo.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01"
                              b"\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
                              content_type="image/gif")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        company = company_provision(
            building=tower, slug="umbrella", name="Umbrella", admin_email="Boss@Umbrella.example",
            custom_domain="Visit.Umbrella.example", logo=logo, actor="test",
        )  # fmt: skip
    assert sorted(company.domains.values_list("domain", "is_primary")) == [
        ("umbrella.localhost", True), ("visit.umbrella.example", False)
    ]  # fmt: skip
    assert re.fullmatch(r"logos/umbrella/[0-9a-f]{32}\.gif", str(company.logo.name))
    company.logo.delete(save=False)
    with tenant_context(company):
        admin = User.objects.get(email="boss@umbrella.example")
        assert admin.role == User.Role.ADMIN and not admin.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["boss@umbrella.example"]
    assert "http://umbrella.localhost:8000/accounts/set-password/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="company.provision", tenant_schema="umbrella").exists()
    assert client_for("umbrella.localhost").get("/accounts/login/").status_code == 200


def test_the_invitation_leaves_only_after_commit(tower, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _provision(tower)
    assert mail.outbox == [] and len(callbacks) == 1


@pytest.mark.parametrize(
    ("slug", "message"),
    [("Bad_Slug", "not a valid slug"), ("www", "reserved"), ("acme", "already taken"), ("tower", "already taken")],
)
def test_it_refuses_bad_or_taken_slugs(tower, slug, message):
    with pytest.raises(ValidationError) as error:
        company_provision(building=tower, slug=slug, name="X", admin_email="a@b.example", actor="test")
    assert message in str(error.value.message_dict["slug"])


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("not a host", "not a valid host name"),
        ("localhost", "not a valid host name"),
        ("shop.localhost", "given by the slug"),
        ("-bad.example.com", "not a valid host name"),
        ("acme.localhost", "given by the slug"),
    ],
)
def test_it_refuses_bad_custom_domains(tower, domain, message):
    with pytest.raises(ValidationError) as error:
        company_provision(building=tower, slug="umbrella", name="U", admin_email="a@b.example", custom_domain=domain,
                          actor="test")  # fmt: skip
    assert message in str(error.value.message_dict["custom_domain"])
    assert _nothing_left("umbrella")


def test_a_custom_domain_is_unique(tower, acme):
    Domain.objects.create(domain="visit.acme.example", tenant=acme, is_primary=False)
    with pytest.raises(ValidationError) as error:
        company_provision(building=tower, slug="umbrella", name="U", admin_email="a@b.example",
                          custom_domain="visit.acme.example", actor="test")  # fmt: skip
    assert "already used" in str(error.value.message_dict["custom_domain"])


def test_a_new_building_gets_the_default_privacy_notice_in_every_language():
    building = building_create(slug="dock", name="Dock Offices")
    notices = BuildingDocument.objects.filter(building=building, kind="privacy_notice")
    assert sorted(notices.values_list("language", flat=True)) == ["de", "en", "fr", "nl"]
    english = notices.get(language="en").text
    for needle in ["Dock Offices", "controller", "processor", "retention period", "front desk", "erase", "Ask"]:
        assert needle in english
