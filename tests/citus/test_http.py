"""The product's screens and API over HTTP on the cluster (tests/citus/http_flow.py): kiosk, desk, portal, API."""

from __future__ import annotations

import json

from tests.citus.cluster import Cluster
from tests.citus.product import manage


def test_kiosk_desk_portal_and_api_over_http_on_the_cluster(cluster: Cluster, product: dict[str, str]) -> None:
    out = manage(product, "shell", "-c", "from tests.citus.http_flow import main; main()")
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["kiosk_start"] == 200
    assert seen["kiosk_steps"] == [302, 302, 302] and seen["kiosk_done"] == 200, seen
    assert seen["desk_page"] == 200 and seen["desk_board_shows"], seen
    assert seen["portal_shows"] == [True, True] and seen["api_status"] == 200 and seen["api_states"] == ["on_site"], (
        seen
    )
    assert seen["other_portal_shows"] == [False, False] and not seen["other_api_shows"], (
        seen
    )  # globex sees nothing of acme's
    assert seen["member_visitors_api"] == 404, seen  # as on one server: tests/api/test_access.py
