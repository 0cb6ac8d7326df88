"""Belgian date and time formats for the four languages (`FORMAT_MODULE_PATH`).

Day, month, year in that order and 24-hour times in every language, English included: Django's own English formats
("Dec. 6, 2026", "12/06/2026 4:55 a.m.") read as 12 June in Belgium. Months are written out, never abbreviated.
Forms read ISO dates (2026-12-06) and day/month/year (06/12/2026, 06-12-2026, 06.12.2026), never month/day/year.
"""
