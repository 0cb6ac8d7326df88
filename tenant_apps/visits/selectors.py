"""Reads of a company's visits. They run in the schema of the current host."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower, Trim
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.database.brief_memory import BriefMemory
from shared_apps.database.connection import tenant_connection
from shared_apps.operations.encryption import code_digests
from tenant_apps.visits.models import CompanySettings, Host, Visit, Visitor, email_normalise


def company_settings() -> CompanySettings:
    """The current company's settings row, created with defaults on first use."""
    settings, _ = CompanySettings.objects.get_or_create(pk=1)
    return settings


@dataclass(frozen=True)
class PrivacyContact:
    """Whom a visitor asks about their data: the controller (the company), its contact and its DPO if any."""

    controller: str
    name: str
    email: str
    dpo_name: str
    dpo_email: str
    is_default: bool  # no contact set: the address of the company's first admin


def privacy_contact(*, remembered: bool = False) -> PrivacyContact:
    """The current company's privacy contact as its admins set it; by default, its first active admin's address.

    `remembered`: read the settings through the brief memory (busy screens such as the kiosk's notice)."""
    if remembered:
        current = company_settings_remembered()
    else:
        current = CompanySettings.objects.filter(pk=1).first() or CompanySettings()
    name, email = current.privacy_contact_name, current.privacy_contact_email
    is_default = not (name or email)
    if is_default:
        admin = User.objects.filter(is_active=True, role=User.Role.ADMIN).order_by("pk").first()
        email = admin.email if admin else ""
    return PrivacyContact(
        controller=tenant_connection().tenant.name, name=name, email=email,
        dpo_name=current.dpo_name, dpo_email=current.dpo_email, is_default=is_default,
    )  # fmt: skip


# The kiosk's screens (hosts shown, the notice's retention period) and every arrival's webhook check read the
# settings: remembered briefly, by schema.
_remembered_settings: BriefMemory[CompanySettings] = BriefMemory(forget_on=("visits.CompanySettings",))


def company_settings_remembered() -> CompanySettings:
    """company_settings(), remembered briefly (a change shows in every process at its next request).

    For busy reads only; a page that edits the settings or a rule that acts on them (retention) reads them fresh.
    """
    return _remembered_settings.recall(tenant_connection().schema_name, company_settings)


def company_requires_two_factor() -> bool:
    """Whether the current company's admins require two-factor authentication of every account (no row: no)."""
    return bool(CompanySettings.objects.filter(pk=1).values_list("require_two_factor", flat=True).first())


def visits_on_day(*, day: dt.date) -> QuerySet[Visit]:
    """Visits expected, on site or ended on `day`, in the current company's schema."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return Visit.objects.select_related("visitor", "host").filter(expected_start__lt=end, expected_end__gte=start)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _personal(user: User) -> Q:
    return Q(host__user=user) | Q(created_by=user)


def visits_personal(*, user: User) -> QuerySet[Visit]:
    """Visits for the host linked to `user`, or that `user` registered, whatever their role."""
    return Visit.objects.select_related("visitor", "host").filter(_personal(user))


def visits_of(*, user: User) -> QuerySet[Visit]:
    """The visits `user` may change: an admin every visit; a member their personal ones."""
    if user.role == User.Role.ADMIN:
        return Visit.objects.select_related("visitor", "host")
    return visits_personal(user=user)


def visits_visible_to(*, user: User) -> QuerySet[Visit]:
    """What `user` may open: their own visits, plus every visit of today (the shared view of the lobby)."""
    if user.role == User.Role.ADMIN:
        return visits_of(user=user)
    today = visits_on_day(day=timezone.localdate()).values("pk")
    return Visit.objects.select_related("visitor", "host").filter(_personal(user) | Q(pk__in=today))


def visits_upcoming(*, user: User) -> QuerySet[Visit]:
    """`user`'s own visits still expected after today, soonest first."""
    tomorrow = _start_of(timezone.localdate() + dt.timedelta(days=1))
    return visits_of(user=user).filter(state=Visit.State.EXPECTED, expected_start__gte=tomorrow)


@dataclass(frozen=True)
class HistoryFilter:
    query: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    host: Host | None = None
    state: str = ""


def visits_history(*, user: User, filters: HistoryFilter) -> QuerySet[Visit]:
    """`user`'s own visits, newest first, matching a name, e-mail or code and the filters."""
    visits = visits_of(user=user)
    query = filters.query.strip()
    if query:
        for word in query.split():
            visits = visits.filter(
                Q(visitor__first_name__icontains=word)
                | Q(visitor__last_name__icontains=word)
                | Q(visitor__email__icontains=word)
                | Q(visitor__company_name__icontains=word)
                | Q(code_digest__in=code_digests(word.upper()))
            )
    if filters.date_from:
        visits = visits.filter(expected_start__gte=_start_of(filters.date_from))
    if filters.date_to:
        visits = visits.filter(expected_start__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.host:
        visits = visits.filter(host=filters.host)
    if filters.state:
        visits = visits.filter(state=filters.state)
    return visits.order_by("-expected_start", "-pk")


def hosts_all() -> QuerySet[Host]:
    """Every host of the company, active first, with the staff account linked to each."""
    return Host.objects.select_related("user").order_by("-is_active", "name")


def hosts_active() -> QuerySet[Host]:
    """The hosts a new visit may be for."""
    return Host.objects.filter(is_active=True).order_by("name")


def host_active(host_id: int | None) -> Host | None:
    """The active host with this id, or None (none chosen, or deactivated since it was offered)."""
    return Host.objects.filter(pk=host_id, is_active=True).first() if host_id else None


def visitors_with_email(email: str) -> QuerySet[Visitor]:
    """The company's person with this address (at most one: the unique index `visitor_one_per_email`), compared as
    that index does, so it is the index that answers; none for an empty address."""
    email = email_normalise(email)
    if not email:
        return Visitor.objects.none()
    return Visitor.objects.alias(normalised=Lower(Trim("email"))).filter(normalised=email).exclude(email="")


def series_visits(series_id: int) -> list[Visit]:
    """Every day of a visit over several days (tenant_apps/visits/series.py), the first first, with its visitor."""
    return list(Visit.objects.select_related("visitor").filter(series_id=series_id).order_by("expected_start"))


def series_days_from(visit: Visit) -> list[Visit]:
    """The days of `visit`'s series from it on that are still expected: what cancelling the rest would cancel."""
    return list(
        Visit.objects.filter(
            series_id=visit.series_id, expected_start__gte=visit.expected_start, state=Visit.State.EXPECTED
        ).order_by("expected_start")
    )
