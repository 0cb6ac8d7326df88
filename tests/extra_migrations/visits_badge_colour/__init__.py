"""The visits migrations and one more that adds a nullable column to the visit table (an upgrade's usual shape)."""

from tests.extra_migrations import package_path

__path__ = package_path(__file__)
