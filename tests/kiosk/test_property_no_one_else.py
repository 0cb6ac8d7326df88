"""Property: whatever many visitors do at the kiosk, in any order, no response shows another visitor's data.

Hypothesis drives random sequences of walk-ins, invited check-ins, check-outs,
resets, language switches, bad codes and stray screen loads. Every visitor has
unique, fixed-width details, so a substring check cannot match by accident.
The one visitor whose data may appear is the one standing at the kiosk.
"""

import itertools
from dataclasses import dataclass

from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_apps.tenancy.models import Tenant
from tenant_apps.visits.models import CODE_ALPHABET, Visit
from tests.kiosk.conftest import choose_language, invite, rate_counters_clear

_serial = itertools.count(1)
LANGUAGES = st.sampled_from(["fr", "nl", "en", "de"])
SCREENS = [
    "/kiosk/",
    "/kiosk/menu/",
    "/kiosk/walk-in/",
    "/kiosk/walk-in/host/",
    "/kiosk/walk-in/details/",
    "/kiosk/invitation/",
    "/kiosk/invitation/confirm/",
    "/kiosk/check-out/",
    "/kiosk/done/",
    "/kiosk/badge/",
]

STATEFUL_SCREENS = ["/kiosk/done/", "/kiosk/badge/", "/kiosk/invitation/confirm/", "/kiosk/walk-in/details/"]

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("walk_in"), st.sampled_from(["acme", "globex"]), LANGUAGES),
        st.tuples(st.just("invited"), st.integers(0, 5), LANGUAGES),
        st.tuples(st.just("check_out"), st.integers(0, 30), LANGUAGES),
        st.tuples(st.just("reset")),
        st.tuples(st.just("language"), LANGUAGES),
        st.tuples(st.just("bad_code"), st.lists(st.sampled_from(CODE_ALPHABET), min_size=8, max_size=8).map("".join)),
        st.tuples(st.just("screen"), st.sampled_from(SCREENS)),
    ),
    min_size=1,
    max_size=10,
)


@dataclass
class Person:
    first: str
    last: str
    email: str
    phone: str
    company: str
    code: str = ""

    @classmethod
    def new(cls) -> "Person":
        n = next(_serial)
        return cls(
            first=f"Fn{n:06d}q",
            last=f"Ln{n:06d}q",
            email=f"m{n:06d}q@example.org",
            phone=f"+32470{n:06d}",
            company=f"Co{n:06d}q",
        )

    @property
    def details(self) -> list[str]:
        return [self.first, self.last, self.email, self.phone, self.company]


def _assert_shows_no_one_but(response, current: Person | None, everyone: list[Person]) -> None:
    body = response.content.decode()
    for person in everyone:
        if person is current:
            continue
        leaked = [value for value in person.details if value in body]
        assert not leaked, f"{response.request['PATH_INFO']} shows another visitor's {leaked}"


def _peek(client) -> list:
    """The screens that hold a visitor's state, as the next person at the kiosk would open them."""
    return [client.get(url, follow=True) for url in STATEFUL_SCREENS]


@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_no_kiosk_response_ever_shows_another_visitor(kiosk_tower, tower, acme, globex, initech, actions):
    rate_counters_clear()
    tower.kiosk_requires_phone = True
    tower.save(update_fields=["kiosk_requires_phone"])
    companies: dict[str, Tenant] = {"acme": acme, "globex": globex}
    invited: list[Person] = []
    for company in (acme, globex, initech, acme, globex, initech):
        person = Person.new()
        person.code = invite(
            company, first=person.first, last=person.last, company_name=person.company, email=person.email
        ).code
        invited.append(person)
    everyone = list(invited)
    current: Person | None = None
    client = kiosk_tower
    client.post("/kiosk/reset/")

    for action in actions:
        kind = action[0]
        responses = []
        if kind in ("walk_in", "invited", "check_out", "language"):
            # A new visitor walks up and picks a language: nothing of anyone may be left behind.
            current = None
            language = action[1] if kind == "language" else action[2]
            # (A stateful screen opened without its state sends the kiosk back to the start, so choose again.)
            for response in [choose_language(client, language), *_peek(client), choose_language(client, language)]:
                _assert_shows_no_one_but(response, None, everyone)
        if kind == "walk_in":
            current = Person.new()
            everyone.append(current)
            responses.append(client.post("/kiosk/walk-in/", {"company": companies[action[1]].pk}, follow=True))
            responses.append(
                client.post(
                    "/kiosk/walk-in/details/",
                    {
                        "first_name": current.first,
                        "last_name": current.last,
                        "visitor_company": current.company,
                        "email": current.email,
                        "phone": current.phone,
                        "accept_notice": "on",
                    },
                    follow=True,
                )
            )
            responses.append(client.get("/kiosk/badge/", follow=True))
            with tenant_context(companies[action[1]]):
                visit = Visit.objects.filter(visitor__first_name=current.first).first()
            assert visit is not None and visit.state == Visit.State.ON_SITE
            current.code = visit.code
        elif kind == "invited":
            current = invited[action[1]]
            responses.append(client.post("/kiosk/invitation/", {"code": current.code}, follow=True))
            responses.append(client.post("/kiosk/invitation/confirm/", {"accept_notice": "on"}, follow=True))
            responses.append(client.get("/kiosk/badge/", follow=True))
        elif kind == "check_out":
            with_codes = [person for person in everyone if person.code]
            current = with_codes[action[1] % len(with_codes)]
            responses.append(client.post("/kiosk/check-out/", {"code": current.code}, follow=True))
        elif kind == "reset":
            current = None
            responses += [client.post("/kiosk/reset/", follow=True), *_peek(client)]
        elif kind == "bad_code":
            responses.append(client.post("/kiosk/invitation/", {"code": action[1]}, follow=True))
            responses.append(client.post("/kiosk/check-out/", {"code": action[1]}, follow=True))
        elif kind == "screen":
            responses.append(client.get(action[1], follow=True))
        for response in responses:
            assert response.status_code == 200
            _assert_shows_no_one_but(response, current, everyone)
