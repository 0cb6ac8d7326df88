"""Dates with their weekday, in the format of the active language (checkin/formats: "Sunday 6 December 2026",
"dimanche 6 décembre 2026", "zondag 6 december 2026", "Sonntag, 6. Dezember 2026").

Django's named formats have no weekday variant, so the language modules add two names of their own, read here.
"""

import datetime as dt

from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language

_DEFAULTS = {"DAY_DATE_FORMAT": "l j F Y", "SHORT_DAY_FORMAT": "D j F"}


def _format(name: str) -> str:
    for module in formats.get_format_modules(get_language() or settings.LANGUAGE_CODE):
        if hasattr(module, name):
            return str(getattr(module, name))
    return _DEFAULTS[name]


def day_date(value: dt.date | dt.datetime) -> str:
    """The weekday, day, month written out and year: "Sunday 6 December 2026"."""
    return formats.date_format(value, _format("DAY_DATE_FORMAT"))


def short_day(value: dt.date | dt.datetime) -> str:
    """The short weekday, day and month: "Sun 6 December"."""
    return formats.date_format(value, _format("SHORT_DAY_FORMAT"))
