"""The demo loads twice without change."""

from django_tenants.utils import tenant_context

from checkin.demo import load_demo
from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Building, Domain, Tenant
from tenant_apps.visits.models import Host, Visit, Visitor


def _counts(acme) -> tuple[int, ...]:
    public = (Building.objects.count(), Tenant.objects.count(), Domain.objects.count())
    with tenant_context(acme):
        return (*public, User.objects.count(), Host.objects.count(), Visitor.objects.count(), Visit.objects.count())


def test_loading_the_demo_again_changes_nothing(acme):
    before = _counts(acme)
    logins = load_demo()
    assert _counts(acme) == before
    assert [login.url for login in logins] == [
        "http://localhost:8000", "http://tower.localhost:8000", "http://acme.localhost:8000",
        "http://globex.localhost:8000",
    ]  # fmt: skip
    with tenant_context(acme):
        assert Visit.objects.count() >= 4


def test_globex_directory_token_is_printed_and_works_again_after_a_revocation(globex, capsys):
    from django.core.management import call_command

    from checkin.demo import DEMO_SCIM_TOKEN
    from shared_apps.api_tokens.models import ApiToken
    from tests.conftest import HostClient

    directory = HostClient("globex.localhost", HTTP_AUTHORIZATION=f"Bearer {DEMO_SCIM_TOKEN}")
    assert directory.get("/scim/v2/Users").status_code == 200
    with tenant_context(globex):
        ApiToken.objects.filter(scope=ApiToken.Scope.SCIM).update(revoked_at="2026-01-01T00:00:00Z")
    assert directory.get("/scim/v2/Users").status_code == 401
    call_command("load_demo")
    printed = capsys.readouterr().out
    assert f"Authorization: Bearer {DEMO_SCIM_TOKEN}" in printed and "http://globex.localhost:8000/scim/v2" in printed
    assert directory.get("/scim/v2/Users").status_code == 200
    acme = HostClient("acme.localhost", HTTP_AUTHORIZATION=f"Bearer {DEMO_SCIM_TOKEN}")
    assert acme.get("/scim/v2/Users").status_code == 401  # globex's only


def test_the_demo_has_someone_expected_later_today_and_visits_in_the_coming_days(acme):
    """The board and the portal look alive: an expected visitor still to come today, one on site, and visits on
    the next days (issue #23's screenshots showed neither)."""
    import datetime as dt

    from django.utils import timezone

    with tenant_context(acme):
        Visit.objects.all().delete()
    load_demo()
    with tenant_context(acme):
        now = timezone.now()
        tomorrow = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time()))
        assert Visit.objects.filter(state=Visit.State.EXPECTED, expected_start__gt=now).exists()
        assert Visit.objects.filter(state=Visit.State.ON_SITE, checked_in_at__lte=now).exists()
        assert Visit.objects.filter(expected_start__gte=tomorrow).count() >= 3
        assert not Visit.objects.filter(checked_in_at__gt=now).exists()  # nobody arrived in the future


def test_the_demo_has_a_company_that_approves_walk_ins(db):
    from checkin.demo import demo_flows_ensure
    from tenant_apps.visits.models import CompanySettings

    lines = demo_flows_ensure()
    assert demo_flows_ensure() == lines  # again: nothing changes
    with tenant_context(Tenant.objects.get(slug="globex")):
        settings = CompanySettings.objects.get(pk=1)
    assert settings.walk_in_approval and settings.desk_may_decide and settings.reception_email
    assert any("approve" in line for line in lines)
    from tenant_apps.kiosk.block_list import block_list_match

    with tenant_context(Tenant.objects.get(type=Tenant.Type.RECEPTION, building__slug="tower")):
        assert block_list_match(first_name="eve", last_name="MALLORY", email="") is not None
