"""The formats the four language modules share; German differs only in its punctuation."""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M", "%Hh%M", "%Hu%M"]
DATETIME_INPUT_FORMATS = [
    f"{date} {time}"
    for date in DATE_INPUT_FORMATS
    for time in ("%H:%M:%S", "%H:%M:%S.%f", "%H:%M", "%H.%M", "%Hh%M", "%Hu%M")
] + ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_FORMAT = "j F Y"  # 6 December 2026, 6 décembre 2026, 6 december 2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"  # 06-12-2026
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
# Not Django settings: read by shared_apps.tenancy.dates (the `day_date` and `short_day` filters).
DAY_DATE_FORMAT = "l j F Y"  # Sunday 6 December 2026
SHORT_DAY_FORMAT = "D j F"  # Sun 6 December
