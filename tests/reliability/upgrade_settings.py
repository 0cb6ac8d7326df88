"""The production settings plus one test migration for the visits app: the settings of the new release's image.

tests/extra_migrations/visits_badge_colour adds a nullable column to the visit
table, the usual shape of an upgrade's migration.
"""

from checkin.settings_production import *  # noqa: F403

MIGRATION_MODULES = {"visits": "tests.extra_migrations.visits_badge_colour"}
