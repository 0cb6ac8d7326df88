"""Pre-registering one visitor: a visitor found by e-mail or created, a phone in E.164, clear errors."""

from django.utils import translation
from django_tenants.utils import tenant_context

from tenant_apps.visits.models import Visit, VisitEvent, Visitor

VALID = {
    "first_name": "Ines", "last_name": "Ideal", "email": "Ines@Example.org", "phone": "0470 12 34 56",
    "company_name": "Idea SA", "language": "fr", "expected_start": "2031-03-04T09:00",
    "expected_end": "2031-03-04T10:30", "purpose": "Contract signature",
}  # fmt: skip


def test_it_registers_a_visit_and_a_visitor(acme, world, acme_admin):
    response = acme_admin.post("/visits/new/", {**VALID, "host": world.other_host.pk})
    with tenant_context(acme):
        visit = Visit.objects.select_related("visitor").get(visitor__email="ines@example.org")
        assert response["Location"] == f"/visits/{visit.pk}/"
        assert visit.visitor.phone == "+32470123456"
        assert visit.visitor.language == "fr"
        assert (visit.host, visit.state, visit.channel) == (world.other_host, "expected", "invitation")
        assert visit.created_by == world.admin
        assert list(visit.events.values_list("kind", flat=True)) == [VisitEvent.Kind.REGISTERED]
    assert "Contract signature" in acme_admin.get(response["Location"]).content.decode()


def test_it_reuses_the_visitor_with_the_same_e_mail(acme, world, acme_admin):
    acme_admin.post("/visits/new/", {**VALID, "email": "EVA@example.org", "company_name": "Evers BV"})
    with tenant_context(acme):
        eva = Visitor.objects.get(pk=world.own_today.visitor.pk)
        assert eva.company_name == "Evers BV"
        assert Visitor.objects.filter(email__iexact="eva@example.org").count() == 1
        assert eva.visits.count() == 3


def test_the_form_offers_the_member_s_own_host_first(world, acme_member):
    page = acme_member.get("/visits/new/").content.decode()
    assert f'<option value="{world.member_host.pk}" selected>' in page


def test_bad_input_is_refused_with_field_errors_and_nothing_is_stored(acme, world, acme_admin):
    with tenant_context(acme):
        before = (Visit.objects.count(), Visitor.objects.count())
    bad = {**VALID, "phone": "12", "email": "not-an-address", "expected_end": "2031-03-04T08:00", "language": "xx"}
    page = acme_admin.post("/visits/new/", bad)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Enter a valid phone number" in text
    assert "Enter a valid email address" in text
    assert "The departure must be after the arrival." in text
    assert "Select a valid choice" in text
    with tenant_context(acme):
        assert (Visit.objects.count(), Visitor.objects.count()) == before


def test_a_deactivated_host_cannot_be_chosen(world, acme_admin, acme):
    with tenant_context(acme):
        world.other_host.is_active = False
        world.other_host.save()
    page = acme_admin.post("/visits/new/", {**VALID, "host": world.other_host.pk})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()


def test_errors_are_in_the_user_s_language(world, acme_admin):
    acme_admin.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = acme_admin.post("/visits/new/", {**VALID, "phone": "12"}).content.decode()
    translation.activate("en")
    assert "Saisissez un numéro de téléphone valide" in page
    assert "Enregistrer un visiteur" in page
