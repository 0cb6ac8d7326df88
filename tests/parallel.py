"""The suite in pytest-xdist workers (`platform/dev.py test`: `-n 2 --dist loadscope --no-loadscope-reorder`).

Each worker has a test database of its own (pytest-django) and a Redis database of its own (tests/settings.py).
`ModuleScheduling` hands out whole modules, in the order of the collection, and each worker runs what it gets in
that order: so each runs a part of the serial order, a module's tests stay together (its module-scoped servers and
database copies are made once, on one worker), and the tests that commit (tests/conftest.py puts them last) run on
each worker after all its others. The Citus tests are one unit, for one cluster (tests/citus/conftest.py).

A test marked `alone` (its answers must come within a wall-clock limit) runs while the other workers wait
(`Turns`).
"""

import fcntl
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from xdist.scheduler import LoadScopeScheduling


class ModuleScheduling(LoadScopeScheduling):
    """Units of work: a module's tests that are next to each other in the collection (a module whose committing
    tests were moved to the end is two units, the second at the end), and every Citus test together."""

    _units: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._units is None:
            self._units = {}
            previous, run = "", 0
            for collected in self.collection:
                module = collected.split("::", 1)[0]
                if module != previous:
                    previous, run = module, run + 1
                self._units[collected] = "citus" if module.startswith("tests/citus/") else f"{run}:{module}"
        return self._units[nodeid]


class Turns:
    """Every test (its set-up, call and tear-down, so also its module's servers) holds a turn on a lock the run's
    workers share: a shared one, or an exclusive one when marked `alone`. A gate keeps the other workers from
    starting a test while an `alone` one waits for theirs to end."""

    def __init__(self, run: str) -> None:
        self.locks = Path(tempfile.gettempdir()) / f"checkin-tests-{run}"

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        alone = item.get_closest_marker("alone") is not None
        with open(f"{self.locks}.gate", "a") as gate, open(f"{self.locks}.turn", "a") as turn:
            fcntl.flock(gate, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
            if not alone:
                fcntl.flock(gate, fcntl.LOCK_UN)
            fcntl.flock(turn, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
            try:
                return (yield)
            finally:
                fcntl.flock(turn, fcntl.LOCK_UN)
                fcntl.flock(gate, fcntl.LOCK_UN)
