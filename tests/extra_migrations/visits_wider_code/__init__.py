"""The visits migrations, visits_badge_colour's, and one more that widens the visit's code, which the desk's read
model copies."""

from tests.extra_migrations import package_path

__path__ = package_path(__file__, "visits_badge_colour")
