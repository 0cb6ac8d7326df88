"""`{% load checkin_dates %}`: `value|day_date` and `value|short_day` (shared_apps/tenancy/dates.py)."""

import datetime as dt

from django import template

from shared_apps.tenancy import dates

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def day_date(value: dt.date | dt.datetime | None) -> str:
    return dates.day_date(value) if value else ""


@register.filter(expects_localtime=True, is_safe=False)
def short_day(value: dt.date | dt.datetime | None) -> str:
    return dates.short_day(value) if value else ""
