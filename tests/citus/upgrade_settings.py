"""The settings of tests/citus with one test migration more for the visits app: a nullable column on the visit
table (tests/extra_migrations/visits_badge_colour), the usual shape of an upgrade's migration."""

from checkin.settings import *  # noqa: F403

MIGRATION_MODULES = {"visits": "tests.extra_migrations.visits_badge_colour"}
