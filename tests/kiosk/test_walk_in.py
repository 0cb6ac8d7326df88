"""A walk-in checks in at the kiosk: company, optional host, details, notice and rules, into that company."""

from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import BuildingDocument, Tenant
from shared_apps.tenancy.selectors import building_documents
from tenant_apps.visits.models import CompanySettings, Host, Visit, VisitEvent
from tests.kiosk.conftest import choose_language, walk_in


def _last_visit(company: Tenant) -> Visit:
    with tenant_context(company):
        return Visit.objects.select_related("visitor", "host").order_by("-pk")[0]


def test_it_checks_a_walk_in_into_the_chosen_company(kiosk_tower, globex, tower_device):
    responses = walk_in(
        kiosk_tower,
        globex,
        first_name="Wanda",
        last_name="Walker",
        visitor_company="Vandelay",
        email="wanda@vandelay.example",
    )
    done = responses[-1]
    assert done.redirect_chain[-1][0] == "/kiosk/done/"
    assert "Welcome, Wanda" in done.content.decode()
    visit = _last_visit(globex)
    assert (visit.visitor.first_name, visit.visitor.company_name, visit.state) == ("Wanda", "Vandelay", "on_site")
    assert visit.channel == Visit.Channel.KIOSK and visit.consent_channel == Visit.Channel.KIOSK
    assert visit.consent_notice_version
    with tenant_context(globex):
        actors = set(VisitEvent.objects.filter(visit=visit).values_list("actor", flat=True))
    assert actors == {f"kiosk:tower:{tower_device[0].pk}"}


def test_it_offers_only_the_buildings_active_companies(kiosk_tower, acme, globex, initech):
    choose_language(kiosk_tower)
    page = kiosk_tower.get("/kiosk/walk-in/").content.decode()
    assert "Acme Logistics" in page and "Globex Consulting" in page and "Initech" not in page
    Tenant.objects.filter(pk=acme.pk).update(status=Tenant.Status.SUSPENDED)
    page = kiosk_tower.get("/kiosk/walk-in/").content.decode()
    assert "Acme Logistics" not in page
    response = kiosk_tower.post("/kiosk/walk-in/", {"company": acme.pk})
    assert response.status_code == 200  # the list again, nothing chosen


def test_a_device_of_tower_cannot_check_anyone_into_initech(kiosk_tower, initech):
    choose_language(kiosk_tower)
    response = kiosk_tower.post("/kiosk/walk-in/", {"company": initech.pk}, follow=True)
    assert response.redirect_chain == []
    response = kiosk_tower.post(
        "/kiosk/walk-in/details/",
        {"first_name": "Eve", "last_name": "Evil", "email": "eve@example.org", "accept_notice": "on"},
    )
    assert response.status_code == 302 and response["Location"] == "/kiosk/"
    with tenant_context(initech):
        assert not Visit.objects.filter(visitor__first_name="Eve").exists()


def test_the_form_asks_what_the_building_requires(kiosk_tower, tower, globex):
    tower.kiosk_requires_phone = True
    tower.save()
    responses = walk_in(kiosk_tower, globex, first_name="Nora", last_name="Phone", email="", phone="")
    page = responses[-1].content.decode()
    assert responses[-1].redirect_chain == [] or responses[-1].redirect_chain[-1][0] != "/kiosk/done/"
    assert "This field is required." in page
    responses = walk_in(
        kiosk_tower, globex, first_name="Nora", last_name="Phone", email="nora@example.org", phone="0470 12 34 56"
    )
    assert responses[-1].redirect_chain[-1][0] == "/kiosk/done/"
    assert _last_visit(globex).visitor.phone == "+32470123456"


def test_the_notice_must_be_accepted(kiosk_tower, globex):
    responses = walk_in(kiosk_tower, globex, first_name="Ned", last_name="Notice", accept_notice="")
    assert "Please read and accept the privacy notice." in responses[-1].content.decode()
    with tenant_context(globex):
        assert not Visit.objects.filter(visitor__first_name="Ned").exists()


def test_the_notice_shows_the_companys_retention_and_the_latest_version_in_the_language(kiosk_tower, tower, globex):
    with tenant_context(globex):
        settings, _ = CompanySettings.objects.get_or_create(pk=1)
        settings.retention_days = 123
        settings.save()
    BuildingDocument.objects.filter(building=tower).delete()  # the defaults every building gets
    BuildingDocument.objects.create(building=tower, kind="privacy_notice", language="en", version="1", text="Old EN")
    BuildingDocument.objects.create(building=tower, kind="privacy_notice", language="en", version="2", text="New EN")
    BuildingDocument.objects.create(building=tower, kind="privacy_notice", language="nl", version="7", text="NL tekst")
    choose_language(kiosk_tower, "de")
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    page = kiosk_tower.get("/kiosk/walk-in/details/").content.decode()
    assert "New EN" in page and "Old EN" not in page and "123" in page  # German falls back to English
    choose_language(kiosk_tower, "nl")
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    page = kiosk_tower.get("/kiosk/walk-in/details/").content.decode()
    assert "NL tekst" in page and "New EN" not in page
    kiosk_tower.post(
        "/kiosk/walk-in/details/",
        {"first_name": "Noor", "last_name": "V", "email": "n@example.org", "accept_notice": "on"},
    )
    assert _last_visit(globex).consent_notice_version == "nl:7"


def test_company_rules_must_be_accepted_and_are_recorded(kiosk_tower, tower, globex, acme):
    BuildingDocument.objects.create(
        building=tower, kind="visitor_rules", language="en", version="b1", text="Tower rules"
    )
    BuildingDocument.objects.create(
        building=tower, company=globex, kind="visitor_rules", language="en", version="g3", text="Globex NDA"
    )
    responses = walk_in(kiosk_tower, globex, first_name="Rita", last_name="Rules")
    page = responses[-1].content.decode()
    assert "Globex NDA" in page and "Tower rules" not in page and "Please accept the visitor rules." in page
    responses = walk_in(kiosk_tower, globex, first_name="Rita", last_name="Rules", accept_rules="on")
    assert _last_visit(globex).rules_version == "en:g3"
    walk_in(kiosk_tower, acme, first_name="Rob", last_name="Rules", accept_rules="on")
    assert _last_visit(acme).rules_version == "en:b1"


def test_hosts_are_offered_only_when_the_company_allows_it(kiosk_tower, globex):
    with tenant_context(globex):
        host = Host.objects.get(name="Lena Schmidt")
    choose_language(kiosk_tower)
    response = kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    assert response["Location"] == "/kiosk/walk-in/details/"
    assert kiosk_tower.get("/kiosk/walk-in/host/")["Location"] == "/kiosk/walk-in/details/"
    with tenant_context(globex):
        settings, _ = CompanySettings.objects.get_or_create(pk=1)
        settings.show_hosts_on_kiosk = True
        settings.save()
    response = kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    assert response["Location"] == "/kiosk/walk-in/host/"
    assert "Lena Schmidt" not in kiosk_tower.get("/kiosk/walk-in/host/").content.decode()  # a search, not a list
    assert "Lena Schmidt" in kiosk_tower.post("/kiosk/walk-in/host/", {"q": "len"}).content.decode()
    kiosk_tower.post("/kiosk/walk-in/host/", {"host": host.pk})
    kiosk_tower.post(
        "/kiosk/walk-in/details/",
        {"first_name": "Hugo", "last_name": "H", "email": "h@example.org", "accept_notice": "on"},
    )
    assert _last_visit(globex).host == host


def test_the_kiosk_speaks_the_chosen_language_only_among_the_buildings(kiosk_tower, tower, globex):
    choose_language(kiosk_tower, "nl")
    assert "Welkom" in kiosk_tower.get("/kiosk/menu/").content.decode()
    tower.kiosk_languages = ["fr", "en"]
    tower.save()
    start = kiosk_tower.get("/kiosk/").content.decode()
    assert "Nederlands" not in start and "Français" in start
    response = kiosk_tower.post("/kiosk/language/", {"language": "nl"})
    assert response["Location"] == "/kiosk/"


def test_a_walk_in_who_accepts_the_notice_lifts_no_objection_by_itself(kiosk_tower, acme):
    """The address's owner confirms by e-mail first (tests/visits/test_walk_in.py follows the link)."""
    from tenant_apps.visits.models import SuppressedEmail
    from tenant_apps.visits.objections import email_hash
    from tenant_apps.visits.objections import visitor_objected as visitor_is_suppressed

    with tenant_context(acme):
        SuppressedEmail.objects.create(email_hash=email_hash("objector@example.org"))
        assert visitor_is_suppressed("objector@example.org")
    walk_in(kiosk_tower, acme, first_name="Otto", last_name="Objector", email="objector@example.org")
    with tenant_context(acme):
        assert visitor_is_suppressed("objector@example.org")
        assert not Visit.objects.filter(visitor__email="objector@example.org").exists()


def test_the_companys_rules_in_english_come_before_the_buildings_in_the_visitors_language(tower, globex, acme):
    BuildingDocument.objects.create(building=tower, kind="visitor_rules", language="de", version="b2", text="Regeln")
    BuildingDocument.objects.create(
        building=tower, company=globex, kind="visitor_rules", language="en", version="g1", text="Globex NDA"
    )
    BuildingDocument.objects.create(
        building=tower, company=globex, kind="visitor_rules", language="en", version="g2", text="Globex NDA 2"
    )
    notice, rules = building_documents(building=tower, language="de", company=globex)
    assert rules is not None and rules.version == "g2"  # the company's own, latest, in English
    assert notice is not None and notice.company_id is None and notice.kind == "privacy_notice"
    _notice, rules = building_documents(building=tower, language="de", company=acme)
    assert rules is not None and rules.version == "b2"  # acme has none: the building's, in German
