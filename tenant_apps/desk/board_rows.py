"""The board's visit rows as HTML, built by plain string formatting instead of the template engine.

Every desk polls the board every few seconds, up to `BOARD_LIMIT` rows a time. Through the template engine
each row cost about half a millisecond (URLs reversed per action, labels translated per row, a CSRF token
per form): rendering was most of a poll. Here each label is translated once and each action's URL reversed
once per render, every value is escaped, and the rows' buttons post through one shared form (`FORM_ID`,
rendered in `_board.html` with the CSRF token), so the rows hold no token.

The board shows three sections: expected (soonest planned time first), on site (latest arrival first) and left
(latest departure first, collapsed). Each section has one time column that means one thing: the planned time,
the check-in time or the check-out time. "Cancel" is a link to a confirmation page, never a one-click POST.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tenant_apps.desk.models import DeskVisit

FORM_ID = "desk-row-action"

# Placeholders reversed into each action's URL, then replaced per row; the URL converters accept both.
_COMPANY, _VISIT = "company-placeholder", "987654321"


@dataclass(frozen=True)
class _Labels:
    """The row's words in the active language, translated once per render."""

    check_in: str
    check_out: str
    cancel: str
    badge: str
    note: str
    unannounced: str
    decide: str
    waiting: str
    held: str
    restricted: str
    restricted_hint: str

    @classmethod
    def now(cls) -> "_Labels":
        return cls(
            check_in=gettext("Check in"),
            check_out=gettext("Check out"),
            cancel=gettext("Cancel"),
            badge=gettext("Badge"),
            note=gettext("Note"),
            unannounced=gettext("Nobody was told: tell the company"),
            decide=gettext("Decide"),
            waiting=gettext("Waiting for approval"),
            held=gettext("Needs the desk"),
            restricted=gettext("Restricted processing"),
            restricted_hint=gettext(
                "This person's data may be kept but not used: do only what the visit needs, check in only with "
                "their agreement, and no message is sent about it."
            ),
        )


def _url_patterns() -> dict[str, str]:
    return {
        action: reverse(f"desk:visit_{action}", kwargs={"company": _COMPANY, "visit_id": _VISIT})
        for action in ("check_in", "check_out", "cancel", "note", "badge", "decide")
    }


def _hhmm(value: dt.datetime | None, zone: dt.tzinfo) -> str:
    return value.astimezone(zone).strftime("%H:%M") if value else ""


@dataclass(frozen=True)
class BoardSection:
    """One of the board's three sections: its state, heading, time column label and rows."""

    state: str
    heading: str
    time_label: str
    count: int
    rows: SafeString


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def board_sections(visits: Iterable[DeskVisit], *, here: str) -> list[BoardSection]:
    """Today's visits split into expected, on site and left, each in the order the desk works through it."""
    visits = list(visits)
    deciding = sorted(
        (v for v in visits if v.state in ("waiting", "held")), key=lambda v: (v.expected_start, v.row_key)
    )
    expected = sorted((v for v in visits if v.state == "expected"), key=lambda v: (v.expected_start, v.row_key))
    on_site = sorted((v for v in visits if v.state == "on_site"), key=lambda v: v.checked_in_at or _EPOCH, reverse=True)
    left = sorted((v for v in visits if v.state == "left"), key=lambda v: v.checked_out_at or _EPOCH, reverse=True)
    first = [
        BoardSection("decide", gettext("Waiting for a decision"), gettext("Arrived"), len(deciding),
                     board_rows_html(deciding, here=here, time_of="expected_start")),
    ] if deciding else []  # fmt: skip
    return [
        *first,
        BoardSection("expected", gettext("Expected"), gettext("Planned"), len(expected),
                     board_rows_html(expected, here=here, time_of="expected_start")),
        BoardSection("on_site", gettext("On site"), gettext("Checked in"), len(on_site),
                     board_rows_html(on_site, here=here, time_of="checked_in_at")),
        BoardSection("left", gettext("Left"), gettext("Checked out"), len(left),
                     board_rows_html(left, here=here, time_of="checked_out_at")),
    ]  # fmt: skip


def board_rows_html(visits: Iterable[DeskVisit], *, here: str, time_of: str = "expected_start") -> SafeString:
    """One `<tr>` per visit: who, company, the section's time, host, and the actions its state allows."""
    labels, patterns, zone = _Labels.now(), _url_patterns(), timezone.get_current_timezone()
    back = escape("?next=" + quote(here, safe=""))
    rows = []
    for visit in visits:
        company, visit_id = escape(visit.company_slug), str(visit.visit_id)
        urls = {action: url.replace(_COMPANY, company).replace(_VISIT, visit_id) for action, url in patterns.items()}
        key, state = escape(visit.row_key), escape(visit.state)
        who = f"<strong>{escape(visit.first_name)} {escape(visit.last_name)}</strong>"
        if visit.visitor_company:
            who += f'<br><span class="muted">{escape(visit.visitor_company)}</span>'
        when = _hhmm(getattr(visit, time_of), zone)
        if visit.state == "expected":
            actions = (
                f'<a class="button button-small" data-focus-key="in-{key}" href="{urls["check_in"]}{back}">'
                f"{escape(labels.check_in)}</a>"
                f'<a class="button-quiet" data-focus-key="cancel-{key}" data-confirm-dialog '
                f'href="{urls["cancel"]}{back}">{escape(labels.cancel)}</a>'
            )
        elif visit.state == "on_site":
            actions = (
                f'<button class="button button-small" type="submit" form="{FORM_ID}" '
                f'formaction="{urls["check_out"]}" data-focus-key="out-{key}">{escape(labels.check_out)}</button>'
                f'<a class="button-quiet" data-focus-key="badge-{key}" href="{urls["badge"]}{back}">'
                f"{escape(labels.badge)}</a>"
            )
        elif visit.state in ("waiting", "held"):
            tag = labels.waiting if visit.state == "waiting" else labels.held
            who += f'<br><span class="badge badge-{state}">{escape(tag)}</span>'
            actions = (
                f'<a class="button button-small" data-focus-key="decide-{key}" href="{urls["decide"]}{back}">'
                f"{escape(labels.decide)}</a>"
            )
        else:
            actions = ""
        actions += (
            f'<a class="button-quiet" data-focus-key="note-{key}" href="{urls["note"]}{back}">{escape(labels.note)}</a>'
        )
        host = escape(visit.host_name or "—")
        marked = ""
        if visit.restricted:  # GDPR art. 18: the desk does no more with this person than the visit needs
            marked = ' data-restricted="true"'
            who += (
                f'<br><span class="badge badge-restricted" title="{escape(labels.restricted_hint)}">'
                f"{escape(labels.restricted)}</span>"
            )
        if visit.unannounced and visit.state == "on_site":  # a kiosk walk-in no message reached: the desk acts
            marked += ' data-unannounced="true" class="desk-unannounced"'
            host += f'<br><strong class="desk-flag">{escape(labels.unannounced)}</strong>'
        rows.append(
            f'<tr data-visit="{key}" data-state="{state}"{marked}><td>{who}</td><td>{escape(visit.company_name)}</td>'
            f"<td>{when}</td><td>{host}</td>"
            f'<td><div class="desk-actions">{actions}</div></td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value above is escaped
