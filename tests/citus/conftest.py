"""The Citus cluster the tests of this folder share: built once per machine, started once per session."""

from collections.abc import Iterator

import pytest

from tests.citus.cluster import Cluster, citus_cluster


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/citus/" in item.nodeid:
            item.add_marker(pytest.mark.citus)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    with citus_cluster(workers=2) as started:
        yield started
