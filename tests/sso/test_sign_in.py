"""Signing in to a company through its identity provider: a real OpenID provider (tests/oidc_provider) in a
subprocess, Check-in's own callback in the test client. Accounts made on first sign-in, roles from the groups,
refusals for what the company does not allow, sign-in records and audit entries."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django_tenants.utils import schema_context, tenant_context

from shared_apps.accounts.models import SignInRecord, User
from shared_apps.audit.models import AuditEntry
from shared_apps.tenancy.models import Tenant
from tenant_apps.sso.models import IdentityProvider
from tenant_apps.visits.services import company_settings_update
from tests.conftest import HostClient
from tests.oidc_provider.running import provider_sign_in
from tests.sso.conftest import sso_configure, sso_sign_in

Event = SignInRecord.Event


def _account(tenant: Tenant, email: str) -> User | None:
    with tenant_context(tenant):
        return User.objects.filter(email=email).first()


def _events(tenant: Tenant) -> list[tuple[str, str]]:
    with tenant_context(tenant):
        return [(record.event, record.identifier) for record in SignInRecord.objects.order_by("id")]


def test_it_offers_the_provider_on_the_company_sign_in_page_only_where_configured(client_for, globex_sso):
    page = client_for("globex.localhost").get("/accounts/login/")
    assert b"Sign in with Globex ID" in page.content and b'href="/sso/login/' in page.content
    assert b"/sso/login/" not in client_for("acme.localhost").get("/accounts/login/").content
    assert client_for("acme.localhost").get("/sso/login/").status_code == 404  # acme has no provider
    assert b"/sso/login/" not in client_for("tower.localhost").get("/accounts/login/").content


def test_it_sends_the_browser_with_pkce_state_and_nonce(client_for, globex_sso):
    start = client_for("globex.localhost").get("/sso/login/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["globex-checkin"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://globex.localhost/sso/callback/"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_it_creates_an_account_at_first_sign_in_with_the_role_of_its_groups(client_for, globex, globex_sso):
    client = client_for("globex.localhost")
    response = sso_sign_in(client, "grace.admin@globex.example")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    grace = _account(globex, "grace.admin@globex.example")
    assert grace is not None and grace.role == User.Role.ADMIN and grace.full_name == "Grace.Admin Sso"
    assert not grace.has_usable_password()
    assert client.get("/settings/sso/").status_code == 200  # an admin's page

    member = client_for("globex.localhost")
    assert sso_sign_in(member, "sam.member@globex.example").status_code == 302
    sam = _account(globex, "sam.member@globex.example")
    assert sam is not None and sam.role == User.Role.MEMBER
    assert member.get("/settings/sso/").status_code == 404

    assert (Event.SIGNED_IN_SSO, "grace.admin@globex.example") in _events(globex)
    created = AuditEntry.objects.filter(action="sso.account_created", tenant_schema="globex")
    assert sorted(entry.actor for entry in created) == ["grace.admin@globex.example", "sam.member@globex.example"]


def test_an_existing_account_signs_in_and_follows_its_groups_but_the_last_admin_stays_admin(
    client_for, globex, globex_sso
):
    # The provider puts globex's only admin in "staff": made a member, the company would have no admin left.
    assert sso_sign_in(client_for("globex.localhost"), "admin@globex.example").status_code == 302
    admin = _account(globex, "admin@globex.example")
    assert admin is not None and admin.role == User.Role.ADMIN and admin.has_usable_password()
    assert AuditEntry.objects.filter(action="sso.signed_in", actor="admin@globex.example").exists()
    # With another admin (grace, from the directory), the mapping holds for it too.
    assert sso_sign_in(client_for("globex.localhost"), "grace.admin@globex.example").status_code == 302
    assert sso_sign_in(client_for("globex.localhost"), "admin@globex.example").status_code == 302
    admin = _account(globex, "admin@globex.example")
    assert admin is not None and admin.role == User.Role.MEMBER


def test_no_account_is_created_when_the_admin_does_not_allow_it(client_for, globex, oidc_issuer):
    sso_configure(globex, oidc_issuer, create_accounts=False)
    response = sso_sign_in(client_for("globex.localhost"), "sam.member@globex.example")
    assert response.status_code == 403 and b"ask your administrator" in response.content
    assert _account(globex, "sam.member@globex.example") is None
    assert (Event.SSO_REFUSED, "sam.member@globex.example") in _events(globex)
    assert AuditEntry.objects.get(action="sso.refused").details == {"reason": "no_account"}


@pytest.mark.parametrize(
    ("email", "words"),
    [
        ("outsider@other.example", b"not in a domain this company allows"),
        ("nobody@globex.example", b"give you no access"),
    ],
)
def test_it_refuses_a_domain_or_groups_the_company_does_not_allow(client_for, globex, globex_sso, email, words):
    client = client_for("globex.localhost")
    response = sso_sign_in(client, email)
    assert response.status_code == 403 and words in response.content
    assert _account(globex, email) is None
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_it_answers_in_the_language_of_the_person(client_for, globex_sso):
    client = client_for("globex.localhost")
    client.cookies["django_language"] = "fr"
    response = sso_sign_in(client, "outsider@other.example")
    assert "domaine" in response.content.decode()


def test_a_deactivated_account_is_refused(client_for, globex, globex_sso):
    with tenant_context(globex):
        User.objects.create_user("sam.member@globex.example", full_name="Sam", role=User.Role.MEMBER, is_active=False)
    response = sso_sign_in(client_for("globex.localhost"), "sam.member@globex.example")
    assert response.status_code == 403 and b"deactivated" in response.content


def test_the_company_two_factor_requirement_is_the_provider_s_for_sso_sign_ins(client_for, globex, globex_sso):
    with tenant_context(globex):
        company_settings_update(show_hosts_on_kiosk=False, require_two_factor=True)
    client = client_for("globex.localhost")
    assert sso_sign_in(client, "sam.member@globex.example")["Location"] == "/"
    assert client.get("/").status_code == 200  # no detour to the set-up of Check-in's own second factor


@pytest.mark.parametrize("client_id", ["wrong-issuer-client", "wrong-audience-client", "wrong-nonce-client",
                                       "expired-client"])  # fmt: skip
def test_a_token_with_a_wrong_issuer_audience_nonce_or_expiry_is_refused(client_for, globex, oidc_issuer, client_id):
    # The provider signs these with its real key; only the claim named differs.
    sso_configure(globex, oidc_issuer, client_id=client_id)
    client = client_for("globex.localhost")
    response = sso_sign_in(client, "sam.member@globex.example")
    assert response.status_code == 400 and b"did not succeed" in response.content
    assert _account(globex, "sam.member@globex.example") is None
    assert client.get("/")["Location"].startswith("/accounts/login/")
    assert _events(globex)[-1] == (Event.SSO_REFUSED, "")


def test_the_right_client_works_with_the_same_provider(client_for, globex, oidc_issuer):
    # The counterpart of the test above: the refusals come from the claims, not from the set-up.
    sso_configure(globex, oidc_issuer, client_id="globex-checkin")
    assert sso_sign_in(client_for("globex.localhost"), "sam.member@globex.example")["Location"] == "/"


def test_another_company_s_answer_signs_in_no_one(client_for, acme, globex, oidc_issuer):
    sso_configure(globex, oidc_issuer)
    sso_configure(acme, oidc_issuer, allowed_domains=["acme.example", "globex.example"])
    acme_browser, globex_browser = client_for("acme.localhost"), client_for("globex.localhost")
    acme_callback = urlsplit(provider_sign_in(acme_browser.get("/sso/login/")["Location"],
                                              email="sam.member@globex.example"))  # fmt: skip
    acme_answer = {name: values[0] for name, values in parse_qs(acme_callback.query).items()}
    # acme's answer (a code for acme's client) replayed on globex's host: no pending sign-in has its state.
    assert globex_browser.get("/sso/callback/", acme_answer).status_code == 400
    # ... nor with the state of globex's own pending sign-in: the code is acme's client's, the provider refuses it.
    globex_state = parse_qs(urlsplit(globex_browser.get("/sso/login/")["Location"]).query)["state"][0]
    assert globex_browser.get("/sso/callback/", {**acme_answer, "state": globex_state}).status_code == 400
    assert _account(globex, "sam.member@globex.example") is None
    assert globex_browser.get("/")["Location"].startswith("/accounts/login/")


def test_a_state_is_used_once(client_for, globex, globex_sso):
    client = client_for("globex.localhost")
    callback = urlsplit(provider_sign_in(client.get("/sso/login/")["Location"], email="sam.member@globex.example"))
    answer = {name: values[0] for name, values in parse_qs(callback.query).items()}
    assert client.get("/sso/callback/", answer).status_code == 302
    client.logout()
    assert client.get("/sso/callback/", answer).status_code == 400


def test_the_sessions_stay_per_host(client_for, globex_sso):
    client = client_for("globex.localhost")
    sso_sign_in(client, "sam.member@globex.example")
    cookie = client.cookies["checkin_session"].value
    other = HostClient("acme.localhost")
    other.cookies["checkin_session"] = cookie
    assert other.get("/")["Location"].startswith("/accounts/login/")


def test_a_disabled_provider_offers_nothing(client_for, globex, oidc_issuer):
    sso_configure(globex, oidc_issuer, enabled=False)
    client = client_for("globex.localhost")
    assert b"/sso/login/" not in client.get("/accounts/login/").content
    assert client.get("/sso/login/").status_code == 404
    assert client.get("/sso/callback/", {"code": "x", "state": "y"}).status_code == 404
    with schema_context("globex"):
        assert IdentityProvider.objects.get().enabled is False
