"""Bad input is refused with a clear answer, never a 500, or stored safely: oversized bodies and uploads,
malformed JSON, invalid UTF-8, CSV that cannot be read, control characters in names."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, encode_multipart
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.console.services import api_token_create as console_token_create
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.text import text_clean
from tenant_apps.api.services import api_token_create
from tenant_apps.visits.models import Host, Visit, Visitor
from tests.conftest import HostClient
from tests.kiosk.conftest import kiosk_client, pair_device, walk_in
from tests.portal.test_bulk_import import import_confirmed

FORM = "application/x-www-form-urlencoded"
HOSTS = ["acme.localhost", "tower.localhost", "localhost"]


@pytest.fixture
def anonymous(client_for):
    def make(host: str = "acme.localhost"):
        client = client_for(host)
        client.raise_request_exception = False  # see what a browser would see
        return client

    return make


@pytest.mark.parametrize("host", HOSTS)
def test_an_oversized_body_is_refused_with_413_and_a_translated_page(anonymous, settings, host):
    body = "username=" + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = anonymous(host).post("/accounts/login/", body, content_type=FORM, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 413
    assert "Requête trop volumineuse" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_too_many_fields_are_refused_with_400(anonymous, settings):
    body = "&".join(f"f{i}=x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = anonymous().post("/accounts/password-reset/", body, content_type=FORM, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password-reset/", "/i18n/setlang/", "/api/v1/"])
@pytest.mark.parametrize("body", ['{"username": ', "[1, 2", "\x00\x01", json.dumps({"a": "b" * 10})[:-1]])
def test_malformed_json_is_never_a_500(anonymous, path, body):
    response = anonymous().post(path, body, content_type="application/json")
    assert response.status_code in {200, 302, 400, 404}


def test_malformed_json_on_the_login_page_shows_the_form_errors(anonymous):
    response = anonymous().post(
        "/accounts/login/", '{"username": "admin@acme.example"', content_type="application/json"
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert "_auth_user_id" not in anonymous().session


@pytest.mark.parametrize(
    "body", [b"username=\xff\xfe&password=\xc3\x28", b"\xff=\xff", b"username=%FF%FE&password=%C3%28"]
)
def test_invalid_utf8_in_a_form_is_refused_by_the_form(anonymous, body):
    response = anonymous().post("/accounts/login/", body, content_type=FORM)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/?next=%FF%FE", "/accounts/%FF%FE/", "/%C0%AF"])
def test_invalid_utf8_in_urls_is_never_a_500(anonymous, path):
    assert anonymous().get(path).status_code in {200, 400, 404}


@pytest.mark.parametrize(
    "username",
    ["admin@acme.example\x00", "adm\x07in@acme.example", "\x1b[31madmin@acme.example", "a\u202eb@acme.example"],
)
def test_control_characters_in_the_login_form_are_refused(anonymous, username):
    client = anonymous()
    response = client.post("/accounts/login/", {"username": username, "password": "checkin-demo-2026"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "email", ["admin@acme.example\x00", "admin@acme.example\r\nBcc: victim@example.org", "adm\x1bin@acme.example"]
)
def test_control_characters_in_the_password_reset_form_are_refused_and_no_mail_is_sent(anonymous, mailoutbox, email):
    response = anonymous().post("/accounts/password-reset/", {"email": email})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert mailoutbox == []


# --- Huge uploads ------------------------------------------------------------------------------------


def test_a_file_over_the_upload_ceiling_is_refused_with_413_in_the_user_s_language(acme, acme_admin, settings):
    settings.CHECKIN_UPLOAD_MAX_BYTES = 100_000
    acme_admin.raise_request_exception = False
    upload = SimpleUploadedFile("visitors.csv", b"first_name;last_name\n" + b"x;y\n" * 30_000, content_type="text/csv")
    response = acme_admin.post("/visits/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 413
    assert "Datei zu groß" in response.content.decode()
    assert "höchstens 97,7\xa0KB" in response.content.decode()


def test_a_body_announcing_gigabytes_is_refused_before_it_is_read(it_staff):
    it_staff.raise_request_exception = False
    body = encode_multipart(BOUNDARY, {"name": "Pier", "logo": SimpleUploadedFile("logo.png", b"\x89PNG")})
    response = it_staff.post(
        "/console/companies/new/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(10 * 2**30),
        HTTP_ACCEPT_LANGUAGE="fr",
    )  # fmt: skip
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.content.decode()


def test_a_csv_cell_too_long_to_read_is_explained_not_a_500(acme, acme_admin):
    text = "first_name;last_name;email;start;end\nAda;" + "x" * 140_000 + ";ada@example.org;2031-06-01 09:00;x"
    for data in ({"text": text}, {"file": SimpleUploadedFile("v.csv", text.encode(), content_type="text/csv")}):
        page = acme_admin.post("/visits/import/", data, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert "Line 2 cannot be read: a cell is too long." in page.content.decode()


# --- Control characters in names: stripped at every entry point (shared_apps.tenancy.text) ------------------------

FIRST, LAST, COMPANY = "Ada\x00\x07", "\u202eLove\tlace\r\n", "Evil\x08 Corp\x1b"
CLEAN = ("Ada", "Love lace", "Evil Corp")
ONLY_CONTROLS = "\x07\x1b\u202e\x00"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Zoë Ødegård-Łukasz O'Brien", "Zoë Ødegård-Łukasz O'Brien"),
        ("محمد بن سلمان", "محمد بن سلمان"),  # right-to-left script, no override needed
        ("👩\u200d💻 Dev\u200cTeam", "👩\u200d💻 Dev\u200cTeam"),  # joiners some scripts and emoji need
        ("Ada\x00Love\x7flace\x9b", "AdaLovelace"),
        (" a\tb\r\nc\u2028d ", "a b c d"),
        ("\u202eevil\u202c \u2066x\u2069", "evil x"),
        ("\x1b[31mred", "[31mred"),
    ],
)
def test_the_rule_keeps_what_can_be_seen_and_nothing_else(raw, clean):
    assert text_clean(raw) == clean


def _visitor(acme, **lookup):
    with tenant_context(acme):
        visitor = Visitor.objects.get(**lookup)
        return visitor.first_name, visitor.last_name, visitor.company_name


def test_the_model_cleans_on_every_write_whatever_the_caller(acme):
    with tenant_context(acme):
        visitor = Visitor.objects.create(first_name=FIRST, last_name=LAST, company_name=COMPANY, email="m@example.org")
        assert (visitor.first_name, visitor.last_name, visitor.company_name) == CLEAN  # the instance too
        Visitor.objects.filter(pk=visitor.pk).update(first_name="Bea\x00\u202e")
        assert Visitor.objects.get(pk=visitor.pk).first_name == "Bea"


VISIT_FORM = {"email": "ada@example.org", "phone": "", "language": "en", "expected_start": "2031-03-04T09:00",
              "expected_end": "2031-03-04T10:30", "purpose": "", "host": ""}  # fmt: skip


def test_portal_pre_registration(acme, acme_admin):
    response = acme_admin.post("/visits/new/", {**VISIT_FORM, "first_name": FIRST, "last_name": LAST,
                                                "company_name": COMPANY})  # fmt: skip
    assert response.status_code == 302
    assert _visitor(acme, email="ada@example.org") == CLEAN
    page = acme_admin.post("/visits/new/", {**VISIT_FORM, "first_name": ONLY_CONTROLS, "last_name": "X"})
    assert page.status_code == 200
    assert "This field is required." in page.content.decode()


def test_portal_visit_edit(acme, acme_admin):
    acme_admin.post("/visits/new/", {**VISIT_FORM, "first_name": "Ada", "last_name": "L", "company_name": ""})
    with tenant_context(acme):
        visit = Visit.objects.get(visitor__email="ada@example.org")
    data = {**VISIT_FORM, "first_name": FIRST, "last_name": LAST, "company_name": COMPANY}
    assert acme_admin.post(f"/visits/{visit.pk}/edit/", data).status_code == 302
    assert _visitor(acme, email="ada@example.org") == CLEAN


def test_portal_bulk_import(acme, acme_admin):
    row = ";".join([FIRST, LAST.strip(), "ada@example.org", "", COMPANY, "en", "", "2031-06-01 09:00",
                    "2031-06-01 10:00", ""])  # fmt: skip
    text = "first_name;last_name;email;phone;company;language;host;start;end;purpose\n" + row
    upload = SimpleUploadedFile("visitors.csv", text.encode(), content_type="text/csv")
    assert import_confirmed(acme_admin, {"file": upload}).status_code == 302
    assert _visitor(acme, email="ada@example.org") == CLEAN


def test_portal_host_form(acme, acme_admin):
    data = {"name": "Hanna\x00 Host\u202e", "email": "", "phone": "", "notify_by": "email", "user": ""}
    assert acme_admin.post("/hosts/new/", data).status_code == 302
    with tenant_context(acme):
        assert Host.objects.filter(name="Hanna Host").exists()
    page = acme_admin.post("/hosts/new/", {**data, "name": ONLY_CONTROLS})
    assert "This field is required." in page.content.decode()


def test_privacy_correction_form(acme, acme_admin):
    with tenant_context(acme):
        who = Visitor.objects.create(first_name="Ada", last_name="L", email="ada@example.org")
    data = {"first_name": FIRST, "last_name": LAST, "email": "ada@example.org", "phone": "", "company_name": COMPANY,
            "language": "en"}  # fmt: skip
    assert acme_admin.post(f"/privacy/people/{who.pk}/", data).status_code == 302
    assert _visitor(acme, pk=who.pk) == CLEAN


@pytest.fixture
def acme_api(acme):
    with tenant_context(acme):
        _, key = api_token_create(name="HR", created_by=User.objects.get(email="admin@acme.example"))
    return HostClient("acme.localhost", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_api_json(acme, acme_api):
    payload = {"first_name": FIRST, "last_name": LAST, "company_name": COMPANY, "email": "ada@example.org"}
    response = acme_api.post("/api/v1/visitors/", payload, content_type="application/json")
    assert response.status_code == 201
    assert [response.json()[k] for k in ("first_name", "last_name", "company_name")] == list(CLEAN)
    assert _visitor(acme, email="ada@example.org") == CLEAN
    pk = response.json()["id"]
    patched = acme_api.patch(
        f"/api/v1/visitors/{pk}/", {"last_name": "Byron\u0000\u2066"}, content_type="application/json"
    )
    assert patched.json()["last_name"] == "Byron"
    refused = acme_api.post(
        "/api/v1/visitors/", {**payload, "first_name": ONLY_CONTROLS}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["first_name"]


def test_kiosk_walk_in(acme, tower, client_for):
    kiosk = kiosk_client(client_for, tower, pair_device(tower)[1])
    walk_in(kiosk, acme, first_name=FIRST, last_name=LAST, visitor_company=COMPANY, email="ada@example.org")
    assert _visitor(acme, email="ada@example.org") == CLEAN
    *_, page = walk_in(kiosk, acme, first_name=ONLY_CONTROLS, email="bea@example.org")
    assert "This field is required." in page.content.decode()
    with tenant_context(acme):
        assert not Visitor.objects.filter(email="bea@example.org").exists()


def test_desk_walk_in(globex, tower_desk):
    data = {"company": "globex", "host": "", "first_name": FIRST, "last_name": LAST, "visitor_company": COMPANY,
            "language": "en", "expected_end": "23:59", "notice_accepted": "on"}  # fmt: skip
    assert tower_desk.post("/desk/walk-in/", data).status_code == 302
    assert _visitor(globex, last_name="Love lace") == CLEAN
    page = tower_desk.post("/desk/walk-in/", {**data, "last_name": ONLY_CONTROLS})
    assert "This field is required." in page.content.decode()


def test_console_forms_and_api(acme, it_staff, client_for):
    building = {"name": "Dock\x00\u202e", "slug": "dock", "timezone": "Europe/Brussels"}
    assert it_staff.post("/console/buildings/new/", building).status_code == 302
    assert Building.objects.get(slug="dock").name == "Dock"
    edit = {"name": "Acme\tLogistics\x07", "custom_domain": ""}
    assert it_staff.post("/console/companies/acme/", edit).status_code == 302
    assert Tenant.objects.get(slug="acme").name == "Acme Logistics"
    page = it_staff.post("/console/companies/acme/", {**edit, "name": ONLY_CONTROLS})
    assert "This field is required." in page.content.decode()

    _, secret = console_token_create(user=User.objects.get(email="it@checkin.example"), name="tests")
    api = client_for("localhost")
    api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    company = {"building": "dock", "slug": "pier", "name": "\u202ePier\x00 Co", "admin_email": "boss@pier.example"}
    assert api.post("/api/v1/companies/", company, content_type="application/json").status_code == 201
    assert Tenant.objects.get(slug="pier").name == "Pier Co"
    refused = api.patch("/api/v1/companies/pier/", {"name": ONLY_CONTROLS}, content_type="application/json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["name"]
