"""The board's visit rows as HTML, built by plain string formatting instead of the template engine.

Every desk polls the board every few seconds, up to `BOARD_LIMIT` rows a time. Through the template engine
each row cost about half a millisecond (URLs reversed per action, labels translated per row, a CSRF token
per form): rendering was most of a poll. Here each label is translated once and each action's URL reversed
once per render, every value is escaped, and the rows' buttons post through one shared form (`FORM_ID`,
rendered in `_board.html` with the CSRF token), so the rows hold no token.
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

    states: dict[str, str]
    check_in: str
    check_out: str
    cancel: str
    badge: str
    note: str

    @classmethod
    def now(cls) -> "_Labels":
        return cls(
            states={"expected": gettext("Expected"), "on_site": gettext("On site"), "left": gettext("Left")},
            check_in=gettext("Check in"),
            check_out=gettext("Check out"),
            cancel=gettext("Cancel"),
            badge=gettext("Badge"),
            note=gettext("Note"),
        )


def _url_patterns() -> dict[str, str]:
    return {
        action: reverse(f"desk:visit_{action}", kwargs={"company": _COMPANY, "visit_id": _VISIT})
        for action in ("check_in", "check_out", "cancel", "note", "badge")
    }


def _hhmm(value: dt.datetime | None, zone: dt.tzinfo) -> str:
    return value.astimezone(zone).strftime("%H:%M") if value else ""


def board_rows_html(visits: Iterable[DeskVisit], *, here: str) -> SafeString:
    """One `<tr>` per visit: who, company, time, state, host, and the actions its state allows (no code: the server
    keeps only its digest)."""
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
        when = _hhmm(visit.checked_in_at or visit.expected_start, zone)
        if visit.checked_out_at:
            when += "\u2013" + _hhmm(visit.checked_out_at, zone)
        if visit.state == "expected":
            actions = (
                f'<a class="button button-small" data-focus-key="in-{key}" href="{urls["check_in"]}{back}">'
                f"{escape(labels.check_in)}</a>"
                f'<button class="button-quiet" type="submit" form="{FORM_ID}" formaction="{urls["cancel"]}" '
                f'data-focus-key="cancel-{key}">{escape(labels.cancel)}</button>'
            )
        elif visit.state == "on_site":
            actions = (
                f'<button class="button button-small" type="submit" form="{FORM_ID}" '
                f'formaction="{urls["check_out"]}" data-focus-key="out-{key}">{escape(labels.check_out)}</button>'
                f'<a class="button-quiet" data-focus-key="badge-{key}" href="{urls["badge"]}{back}">'
                f"{escape(labels.badge)}</a>"
            )
        else:
            actions = ""
        actions += (
            f'<a class="button-quiet" data-focus-key="note-{key}" href="{urls["note"]}{back}">{escape(labels.note)}</a>'
        )
        rows.append(
            f'<tr data-visit="{key}" data-state="{state}"><td>{who}</td><td>{escape(visit.company_name)}</td>'
            f'<td>{when}</td><td><span class="badge badge-{state}">{escape(labels.states.get(visit.state, ""))}'
            f"</span></td><td>{escape(visit.host_name or '—')}</td>"
            f'<td><div class="desk-actions">{actions}</div></td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value above is escaped
