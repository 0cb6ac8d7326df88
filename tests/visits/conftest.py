"""The kiosk's personas, for the walk-in tests that compare the desk and the kiosk."""

from tests.kiosk.conftest import kiosk_tower, tower_device

__all__ = ["kiosk_tower", "tower_device"]
