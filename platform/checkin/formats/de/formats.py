from checkin.formats._belgian import *  # noqa: F403

DATE_FORMAT = "j. F Y"  # 6. Dezember 2026
DATETIME_FORMAT = "j. F Y, H:i"
MONTH_DAY_FORMAT = "j. F"
SHORT_DATE_FORMAT = "d.m.Y"  # 06.12.2026
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DAY_DATE_FORMAT = "l, j. F Y"  # Sonntag, 6. Dezember 2026
SHORT_DAY_FORMAT = "D, j. F"
