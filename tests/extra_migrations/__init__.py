"""Migrations of tests only, put in front of the visits app's own with MIGRATION_MODULES.

Each subpackage lists the product's visits migrations folder on its `__path__`
after its own, so Django's loader sees the real history plus the package's
migration, which follows whatever the latest real one is. Nothing is written to
the product's folders.
"""

from pathlib import Path

import tenant_apps.visits.migrations

VISITS_MIGRATIONS = Path(tenant_apps.visits.migrations.__file__).parent


def latest_visits_migration() -> str:
    return max(path.stem for path in VISITS_MIGRATIONS.glob("[0-9]*.py"))


def package_path(init_file: str, *also: str) -> list[str]:
    """A subpackage's `__path__`: its own folder, the folders of the sibling packages `also` names (whose
    migrations it builds on), then the product's visits migrations."""
    here = Path(init_file).parent
    return [str(here), *(str(here.parent / sibling) for sibling in also), str(VISITS_MIGRATIONS)]
