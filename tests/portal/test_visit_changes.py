"""Edit, reschedule, cancel and mark as no-show, through the visit services; refused changes say why."""

from django_tenants.utils import tenant_context

from tenant_apps.visits.models import Visit, VisitEvent


def test_editing_changes_the_visitor_host_and_purpose(acme, world, acme_admin):
    response = acme_admin.post(f"/visits/{world.own_future.pk}/edit/", {
        "first_name": "Eva", "last_name": "Evers-Smit", "email": "eva@example.org", "phone": "+32 2 555 12 12",
        "company_name": "Smit", "language": "de", "host": world.other_host.pk, "purpose": "Audit",
    })  # fmt: skip
    assert response.status_code == 302
    with tenant_context(acme):
        visit = Visit.objects.select_related("visitor").get(pk=world.own_future.pk)
        assert (visit.visitor.last_name, visit.visitor.phone, visit.visitor.language) == (
            "Evers-Smit",
            "+3225551212",
            "de",
        )
        assert (visit.host, visit.purpose, visit.updated_by) == (world.other_host, "Audit", world.admin)
        assert visit.events.filter(kind=VisitEvent.Kind.UPDATED).exists()


def test_editing_shows_field_errors(world, acme_admin):
    page = acme_admin.post(f"/visits/{world.own_future.pk}/edit/", {"first_name": "", "email": "x", "language": "en"})
    assert page.status_code == 200
    assert "This field is required." in page.content.decode()


def test_an_ended_visit_cannot_be_edited(world, acme_admin):
    page = acme_admin.post(f"/visits/{world.other_past.pk}/edit/", {
        "first_name": "Bob", "last_name": "Bakker", "email": "bob@example.org", "language": "en",
    })  # fmt: skip
    assert "This visit has ended and can no longer be changed." in page.content.decode()


def test_rescheduling_moves_the_visit(acme, world, acme_admin):
    response = acme_admin.post(f"/visits/{world.own_future.pk}/reschedule/",
                               {"expected_start": "2031-02-03T08:00", "expected_end": "2031-02-03T09:00"})  # fmt: skip
    assert response.status_code == 302
    with tenant_context(acme):
        visit = Visit.objects.get(pk=world.own_future.pk)
        assert (visit.expected_start.year, visit.expected_start.month, visit.expected_start.day) == (2031, 2, 3)


def test_rescheduling_refuses_bad_times_and_ended_visits(world, acme_admin):
    page = acme_admin.post(f"/visits/{world.own_future.pk}/reschedule/",
                           {"expected_start": "2031-02-03T08:00", "expected_end": "2031-02-03T07:00"})  # fmt: skip
    assert "The departure must be after the arrival." in page.content.decode()
    page = acme_admin.post(f"/visits/{world.other_past.pk}/reschedule/",
                           {"expected_start": "2031-02-03T08:00", "expected_end": "2031-02-03T09:00"})  # fmt: skip
    assert "Only an expected visit can be rescheduled." in page.content.decode()


def test_cancel_asks_first_a_single_post_cancels_nothing(acme, world, acme_admin):
    page = acme_admin.post(f"/visits/{world.own_future.pk}/cancel/")
    assert page.status_code == 200 and 'name="confirm" value="yes"' in page.content.decode()
    with tenant_context(acme):
        assert Visit.objects.get(pk=world.own_future.pk).state == Visit.State.EXPECTED


def test_cancel_and_no_show_are_post_only_transitions(acme, world, acme_admin):
    assert acme_admin.get(f"/visits/{world.own_future.pk}/cancel/").status_code == 405
    acme_admin.post(f"/visits/{world.own_future.pk}/cancel/", {"confirm": "yes"})
    acme_admin.post(f"/visits/{world.other_future.pk}/no-show/")
    with tenant_context(acme):
        assert Visit.objects.get(pk=world.own_future.pk).state == Visit.State.CANCELLED
        assert Visit.objects.get(pk=world.other_future.pk).state == Visit.State.NO_SHOW


def test_a_refused_transition_is_explained(world, acme_admin):
    acme_admin.post(f"/visits/{world.own_future.pk}/cancel/", {"confirm": "yes"})
    page = acme_admin.post(f"/visits/{world.own_future.pk}/cancel/", {"confirm": "yes"}, follow=True).content.decode()
    assert "This visit is already cancelled." in page
    page = acme_admin.post(f"/visits/{world.other_past.pk}/no-show/", follow=True).content.decode()
    assert "Only an expected visit can be marked as a no-show." in page


def test_a_visitor_without_an_e_mail_can_be_edited(acme, world, acme_admin):
    response = acme_admin.post(f"/visits/{world.other_today.pk}/edit/", {
        "first_name": "Bob", "last_name": "Bakker", "email": "", "language": "en", "purpose": "Walk-in",
    })  # fmt: skip
    assert response.status_code == 302
    with tenant_context(acme):
        assert Visit.objects.get(pk=world.other_today.pk).visitor.email == ""
