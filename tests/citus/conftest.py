"""The Citus cluster the tests of this folder share: built once per machine, started once per session."""

from collections.abc import Iterator

import pytest

from tests.citus.cluster import Cluster, citus_cluster
from tests.citus.product import product_start


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/citus/" in item.nodeid:
            item.add_marker(pytest.mark.citus)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    with citus_cluster(workers=2) as started:
        yield started


@pytest.fixture(scope="session")
def product(cluster: Cluster) -> dict[str, str]:
    """The environment of the product on the cluster, its demo loaded (building tower: acme and globex)."""
    return product_start(cluster)
