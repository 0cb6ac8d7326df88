"""A kiosk walk-in always reaches someone: the host they found by a few letters of the name, else the company's
reception address, else the building's desk (by e-mail when it has an address, on its board in any case); the last
screen says truthfully who was told."""

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import CompanySettings, Host, Visit
from tests.kiosk.conftest import choose_language

# The arrival's messages are sent in-process at the commit, whatever REDIS_URL says (CI sets it).
pytestmark = pytest.mark.usefixtures("eager")

DETAILS = {"first_name": "Wendy", "last_name": "Walkin", "visitor_company": "", "email": "wendy@example.org",
           "phone": "", "accept_notice": "on"}  # fmt: skip


def _settings(company: Tenant, **values: object) -> None:
    with tenant_context(company):
        CompanySettings.objects.update_or_create(pk=1, defaults=values)


def _walk_in(client, company: Tenant, capture, *, host: object = None, language: str = "en") -> str:
    """The steps of a walk-in, the arrival's messages sent at the commit; the done screen's text."""
    choose_language(client, language)
    client.post("/kiosk/walk-in/", {"company": company.pk})
    if host is not None:
        client.post("/kiosk/walk-in/host/", {"host": host})
    with capture(execute=True):
        response = client.post("/kiosk/walk-in/details/", DETAILS)
    assert response["Location"] == "/kiosk/done/"
    return client.get("/kiosk/done/").content.decode()


def _deliveries(company: Tenant) -> list[str]:
    with tenant_context(company):
        visit = Visit.objects.filter(visitor__last_name="Walkin").latest("pk")
        return sorted(Delivery.objects.filter(visit=visit).values_list("kind", flat=True))


def test_it_searches_hosts_by_a_few_letters_and_never_lists_them_all(kiosk_tower, globex):
    _settings(globex, show_hosts_on_kiosk=True)
    with tenant_context(globex):
        Host.objects.bulk_create(
            [Host(name=f"Colleague {number:02d} Verbruggen", email=f"c{number}@globex.example") for number in range(60)]
        )
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    page = kiosk_tower.get("/kiosk/walk-in/host/").content.decode()
    assert "Verbruggen" not in page and "Lena Schmidt" not in page
    assert "Verbruggen" not in kiosk_tower.post("/kiosk/walk-in/host/", {"q": "v"}).content.decode()  # one letter
    found = kiosk_tower.post("/kiosk/walk-in/host/", {"q": "verbr"}).content.decode()
    assert 1 <= found.count("Verbruggen") <= 8
    one = kiosk_tower.post("/kiosk/walk-in/host/", {"q": "colleague 42"}, headers={"X-Kiosk-Search": "1"})
    assert "Colleague 42 Verbruggen" in one.content.decode() and "<html" not in one.content.decode()  # the fragment


def test_it_never_finds_or_takes_another_companys_host(kiosk_tower, globex, acme, django_capture_on_commit_callbacks):
    _settings(globex, show_hosts_on_kiosk=True)
    _settings(acme, show_hosts_on_kiosk=True)
    with tenant_context(acme):
        sophie = Host.objects.get(name="Sophie Dubois")
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    assert "Sophie" not in kiosk_tower.post("/kiosk/walk-in/host/", {"q": "sophie"}).content.decode()
    with tenant_context(globex):
        assert not Host.objects.filter(pk=sophie.pk).exists() or Host.objects.get(pk=sophie.pk).name != "Sophie"
    response = kiosk_tower.post("/kiosk/walk-in/host/", {"host": 999_999})
    assert response.status_code == 200  # not taken: the search again
    with django_capture_on_commit_callbacks(execute=True):
        kiosk_tower.post("/kiosk/walk-in/details/", DETAILS)
    with tenant_context(globex):
        assert Visit.objects.filter(visitor__last_name="Walkin").latest("pk").host is None


def test_a_host_hidden_by_the_company_cannot_be_chosen(kiosk_tower, globex):
    with tenant_context(globex):
        lena = Host.objects.get(name="Lena Schmidt")
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    assert kiosk_tower.post("/kiosk/walk-in/host/", {"host": lena.pk})["Location"] == "/kiosk/walk-in/details/"
    assert "Lena" not in kiosk_tower.post("/kiosk/walk-in/host/", {"q": "lena"}, follow=True).content.decode()


def test_the_host_found_gets_the_email_and_the_visitor_is_told_so(
    kiosk_tower, globex, django_capture_on_commit_callbacks
):
    _settings(globex, show_hosts_on_kiosk=True, reception_email="front@globex.example")
    with tenant_context(globex):
        lena = Host.objects.get(name="Lena Schmidt")
        lena.email, lena.notify_by = "lena@globex.example", Host.Notify.EMAIL
        lena.save()
    page = _walk_in(kiosk_tower, globex, django_capture_on_commit_callbacks, host=lena.pk)
    assert "We have told Lena Schmidt that you are here" in page
    assert _deliveries(globex) == ["host_email"]
    assert [message.to for message in mail.outbox if "Wendy" in message.subject] == [["lena@globex.example"]]


def test_without_a_host_the_companys_reception_address_gets_the_email(
    kiosk_tower, tower, globex, django_capture_on_commit_callbacks
):
    Building.objects.filter(pk=tower.pk).update(desk_email="desk@tower.example")
    _settings(globex, reception_email="front@globex.example")
    page = _walk_in(kiosk_tower, globex, django_capture_on_commit_callbacks)
    assert "We have told the reception of Globex Consulting" in page
    assert _deliveries(globex) == ["reception_email"]
    sent = [message for message in mail.outbox if "Wendy" in message.subject]
    assert [message.to for message in sent] == [["front@globex.example"]]
    assert "sans nommer d" in sent[0].body  # in the first kiosk language of the building


def test_without_a_company_address_the_buildings_desk_gets_the_email(
    kiosk_tower, tower, globex, django_capture_on_commit_callbacks
):
    Building.objects.filter(pk=tower.pk).update(desk_email="desk@tower.example")
    page = _walk_in(kiosk_tower, globex, django_capture_on_commit_callbacks, language="fr")
    assert "Globex Consulting" in page and "accueil du bâtiment" in page
    assert _deliveries(globex) == ["reception_email"]
    sent = [message for message in mail.outbox if "Wendy" in message.subject]
    assert [message.to for message in sent] == [["desk@tower.example"]]


@pytest.mark.parametrize("hidden_host", [False, True], ids=["no host", "host without e-mail"])
def test_with_no_address_anywhere_the_visitor_is_sent_to_the_desk_and_not_told_the_company_knows(
    hidden_host, kiosk_tower, globex, django_capture_on_commit_callbacks
):
    host = None
    if hidden_host:
        _settings(globex, show_hosts_on_kiosk=True)
        with tenant_context(globex):
            host = Host.objects.create(name="Mute Host", email="").pk
    page = _walk_in(kiosk_tower, globex, django_capture_on_commit_callbacks, host=host)
    assert "knows you have arrived" not in page
    assert "No one at Globex Consulting has been told yet" in page
    assert _deliveries(globex) == []
