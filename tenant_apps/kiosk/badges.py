"""The visitor badge, printed from the kiosk or the desk on one label of the building's printer.

Each label size has its own print stylesheet (its `@page` size: the strict CSP allows no inline style). The name
and the visitor's organisation get a font size that fits their longest word on one line of the label and the
whole text in a few lines, so a long name shrinks rather than splitting a word or pushing the QR code onto a
second label; kiosk.js shrinks it further if the printer's font runs wider than assumed here.
"""

from dataclasses import dataclass

import segno
from django.conf import settings

from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.privacy.services import person_link_page_url
from tenant_apps.visits.models import Visit


@dataclass(frozen=True)
class LabelSize:
    key: str
    stylesheet: str
    text_width_mm: float  # the width the name's lines may take
    name_lines: int  # how many lines the name may take


LABEL_SIZES = {
    Building.BadgeSize.LABEL_62X100: LabelSize("62x100", "kiosk/badge-62x100.css", 52.0, 3),
    Building.BadgeSize.LABEL_54X101: LabelSize("54x101", "kiosk/badge-54x101.css", 62.0, 2),
}
NAME_POINTS = (20, 18, 16, 14, 13, 12, 11, 10, 9, 8)  # the classes badge-fs-<points> in badge.css
COMPANY_POINTS = (11, 10, 9, 8)
CHAR_EM = 0.62  # a bold sans-serif letter's width, in em, on the generous side
MM_PER_POINT = 25.4 / 72


def label_size(building: Building) -> LabelSize:
    return LABEL_SIZES.get(building.badge_size, LABEL_SIZES[Building.BadgeSize.LABEL_62X100])  # type: ignore[call-overload]


def fitting_points(text: str, *, width_mm: float, lines: int, sizes: tuple[int, ...]) -> int:
    """The largest size at which the longest word fits one line and the text fits `lines` lines."""
    words = text.split() or [""]
    for points in sizes:
        per_line = width_mm / (points * MM_PER_POINT * CHAR_EM)
        if max(len(word) for word in words) > per_line:
            continue
        used, line = 1, 0
        for word in words:
            needed = len(word) if line == 0 else line + 1 + len(word)
            if needed > per_line:
                used, line = used + 1, len(word)
            else:
                line = needed
        if used <= lines:
            return points
    return sizes[-1]


def visitor_language(visit: Visit) -> str:
    """The language the badge speaks: the visitor's, whoever prints it."""
    known = {code for code, _name in settings.LANGUAGES}
    return visit.visitor.language if visit.visitor.language in known else settings.LANGUAGE_CODE


def badge_context(*, building: Building, company: Tenant, visit: Visit, code: str) -> dict[str, object]:
    """What templates/kiosk/_badge_label.html needs, besides the visit, its company and the day. `code`: the clear
    code the badge carries (the server keeps only digests); "" prints the badge without its QR code. The badge
    carries the company's short privacy page in the visitor's language, never a personal link: a badge is worn in
    view, and whoever read a personal link could see the person's data or object for them."""
    size = label_size(building)
    name = f"{visit.visitor.first_name} {visit.visitor.last_name}"
    qr = segno.make(code, error="m").svg_inline(scale=4, border=0, omitsize=True) if code else ""
    return {
        "label": size,
        "name_words": name.split(),
        "name_points": fitting_points(name, width_mm=size.text_width_mm, lines=size.name_lines, sizes=NAME_POINTS),
        "company_points": fitting_points(
            visit.visitor.company_name, width_mm=size.text_width_mm, lines=2, sizes=COMPANY_POINTS
        ),
        "qr": qr,
        "code": code,
        "privacy_link": person_link_page_url(company, language=visitor_language(visit)).split("://", 1)[-1],
    }
