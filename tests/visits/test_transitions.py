"""Each visit transition, allowed and refused, through its one service function."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.visits.models import Visit, VisitEvent, Visitor
from tenant_apps.visits.services import (
    Actor,
    VisitStateError,
    visit_cancel,
    visit_check_in,
    visit_check_out,
    visit_mark_no_show,
    visit_register,
    visit_reschedule,
    visit_walk_in,
)

DESK = Actor(label="desk:tower:desk@tower.example", channel=Visit.Channel.DESK)


@pytest.fixture
def expected_visit(acme):
    with tenant_context(acme):
        visitor = Visitor.objects.create(first_name="Eva", last_name="Peeters", email="eva@example.org")
        start = timezone.now()
        visit = visit_register(
            visitor=visitor, host=None, expected_start=start, expected_end=start + dt.timedelta(hours=1),
            purpose="Audit", actor=DESK,
        )  # fmt: skip
        yield visit


def _refused(action, visit, message):
    with pytest.raises(VisitStateError, match=message):
        action(visit=visit, actor=DESK)


def test_register_starts_expected_with_an_unguessable_code(expected_visit):
    assert expected_visit.state == Visit.State.EXPECTED
    assert len(expected_visit.code) == 8
    assert list(expected_visit.events.values_list("kind", flat=True)) == ["registered"]


def test_register_refuses_a_departure_before_the_arrival(acme):
    with tenant_context(acme):
        visitor = Visitor.objects.create(first_name="A", last_name="B")
        now = timezone.now()
        with pytest.raises(VisitStateError, match="departure must be after"):
            visit_register(visitor=visitor, host=None, expected_start=now, expected_end=now - dt.timedelta(hours=1),
                           purpose="", actor=DESK)  # fmt: skip


def test_check_in_then_out(expected_visit):
    visit = visit_check_in(visit=expected_visit, actor=DESK, notice_version="2026-1")
    assert visit.state == Visit.State.ON_SITE and visit.checked_in_at
    assert visit.consent_notice_version == "2026-1" and visit.consent_channel == "desk"
    visit = visit_check_out(visit=visit, actor=DESK)
    assert visit.state == Visit.State.LEFT and visit.checked_out_at and not visit.auto_checked_out
    kinds = list(VisitEvent.objects.filter(visit=visit).values_list("kind", flat=True))
    assert kinds == ["registered", "checked_in", "checked_out"]


def test_automatic_check_out_is_marked(expected_visit):
    visit_check_in(visit=expected_visit, actor=DESK)
    visit = visit_check_out(visit=expected_visit, actor=DESK, automatic=True)
    assert visit.auto_checked_out
    assert visit.events.values_list("kind", flat=True).last() == VisitEvent.Kind.AUTO_CHECKED_OUT


def test_check_out_of_a_visitor_never_checked_in_is_refused(expected_visit):
    _refused(visit_check_out, expected_visit, "never checked in")


def test_check_in_twice_is_refused(expected_visit):
    visit_check_in(visit=expected_visit, actor=DESK)
    _refused(visit_check_in, expected_visit, "already checked in")


def test_check_in_of_a_cancelled_visit_is_refused(expected_visit):
    visit_cancel(visit=expected_visit, actor=DESK)
    _refused(visit_check_in, expected_visit, "cancelled and cannot be checked in")


def test_check_in_after_leaving_is_refused(expected_visit):
    visit_check_in(visit=expected_visit, actor=DESK)
    visit_check_out(visit=expected_visit, actor=DESK)
    _refused(visit_check_in, expected_visit, "has ended")
    _refused(visit_check_out, expected_visit, "already checked out")


def test_cancel_only_an_expected_visit(expected_visit):
    visit_cancel(visit=expected_visit, actor=DESK)
    _refused(visit_cancel, expected_visit, "already cancelled")


def test_cancel_an_on_site_visit_is_refused(expected_visit):
    visit_check_in(visit=expected_visit, actor=DESK)
    _refused(visit_cancel, expected_visit, "Only an expected visit can be cancelled")


def test_no_show_only_for_an_expected_visit(expected_visit):
    assert visit_mark_no_show(visit=expected_visit, actor=DESK).state == Visit.State.NO_SHOW
    _refused(visit_mark_no_show, expected_visit, "Only an expected visit")
    _refused(visit_check_in, expected_visit, "has ended")


def test_reschedule_an_expected_visit_but_not_a_started_one(expected_visit):
    later = expected_visit.expected_start + dt.timedelta(days=1)
    visit = visit_reschedule(visit=expected_visit, expected_start=later, expected_end=later, actor=DESK)
    assert visit.expected_start == later
    visit_check_in(visit=visit, actor=DESK)
    with pytest.raises(VisitStateError, match="Only an expected visit can be rescheduled"):
        visit_reschedule(visit=visit, expected_start=later, expected_end=later, actor=DESK)


def test_refusals_are_translated(expected_visit):
    from django.utils import translation

    with translation.override("nl"):
        visit_check_in(visit=expected_visit, actor=DESK)
        with pytest.raises(VisitStateError) as error:
            visit_check_in(visit=expected_visit, actor=DESK)
    assert str(error.value) != "This visitor is already checked in."


def test_a_walk_in_ends_as_register_then_check_in_would(acme, django_capture_on_commit_callbacks):
    """One INSERT per table, the same state, consent and timeline; nobody to announce it to (no host, no webhook)."""
    with tenant_context(acme):
        visitor = Visitor.objects.create(first_name="Wim", last_name="Walker")
        end = timezone.now() + dt.timedelta(hours=2)
        with django_capture_on_commit_callbacks() as announced:
            visit = visit_walk_in(visitor=visitor, host=None, expected_end=end, actor=DESK, notice_version="en:3",
                                  rules_version="en:1")  # fmt: skip
        stored = Visit.objects.get(pk=visit.pk)
        assert (stored.state, stored.channel, stored.expected_end) == (Visit.State.ON_SITE, "desk", end)
        assert stored.checked_in_at is not None and stored.checked_in_at == stored.consent_at
        assert stored.expected_start <= stored.checked_in_at
        assert (stored.consent_notice_version, stored.consent_channel, stored.rules_version) == ("en:3", "desk", "en:1")
        assert list(stored.events.values_list("kind", "actor")) == [
            ("registered", DESK.label),
            ("checked_in", DESK.label),
        ]
        assert (len(announced), stored.deliveries.count()) == (0, 0)
        with pytest.raises(VisitStateError, match="already checked in"):
            visit_check_in(visit=stored, actor=DESK)


def test_a_walk_in_refuses_a_departure_before_now_and_stores_nothing(acme):
    with tenant_context(acme):
        visitor = Visitor.objects.create(first_name="A", last_name="B")
        with pytest.raises(VisitStateError, match="departure must be after"):
            visit_walk_in(visitor=visitor, host=None, expected_end=timezone.now() - dt.timedelta(minutes=1), actor=DESK)
        assert not Visit.objects.filter(visitor=visitor).exists()


def test_check_in_by_key_reads_the_row_under_lock_and_applies_the_callers_condition(expected_visit):
    def only_audits(visit: Visit) -> None:
        if visit.purpose != "Audit":
            raise VisitStateError("not an audit")

    def never(visit: Visit) -> None:
        raise VisitStateError("refused by the caller")

    with pytest.raises(VisitStateError, match="refused by the caller"):
        visit_check_in(visit=Visit(pk=expected_visit.pk), actor=DESK, check=never)
    assert Visit.objects.get(pk=expected_visit.pk).state == Visit.State.EXPECTED
    visit = visit_check_in(visit=Visit(pk=expected_visit.pk), actor=DESK, check=only_audits)
    assert visit.state == Visit.State.ON_SITE and visit.visitor.first_name == "Eva"
