"""A building's kiosk branding: its accent colour as a stylesheet, and the check that keeps it readable.

The strict CSP (platform/checkin/security_headers.py) allows no inline style, so the colour is served as a small
stylesheet of the building's own host (`kiosk:brand_css`), linked only when a colour is set.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ACCENT = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5  # white text on the accent (buttons, marks): WCAG AA for normal text


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def contrast_with_white(colour: str) -> float:
    red, green, blue = (_channel(part) for part in _rgb(colour))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def _mix(colour: str, other: tuple[int, int, int], share: float) -> str:
    mixed = (round(part * (1 - share) + o * share) for part, o in zip(_rgb(colour), other, strict=True))
    return "#" + "".join(f"{part:02x}" for part in mixed)


def brand_css(accent: str) -> str:
    """The CSS variables the pages use for the brand, from one accent colour; empty for no (or a bad) colour."""
    if not ACCENT.match(accent or ""):
        return ""
    accent = accent.lower()
    return (
        f":root {{ --brand: {accent}; --brand-dark: {_mix(accent, (0, 0, 0), 0.2)}; "
        f"--accent: {_mix(accent, (255, 255, 255), 0.88)}; }}\n"
    )


# The building's logo: a raster image the kiosk serves under the strict CSP with a content type of its own choosing
# (never an SVG, which can carry script), small enough for a tablet on a busy lobby network.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
LOGO_MAX_BYTES = 512 * 1024


def logo_extension(*, size: int, image_format: str | None) -> str:
    """The extension the logo is stored under, from what Pillow found in the file (not from its name); a
    ValidationError, in the user's language, for a file too large or of another kind."""
    if size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is larger than %(size)s KB: choose a smaller image.") % {"size": LOGO_MAX_BYTES // 1024}
        )
    if image_format not in LOGO_FORMATS:
        raise ValidationError(_("Choose a PNG, JPEG, WebP or GIF image for the logo."))
    return LOGO_FORMATS[image_format]
