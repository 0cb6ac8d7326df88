"""The production web process on the cluster: gunicorn with deploy/gunicorn.conf.py, the production settings and two
workers, DATABASE_URL at the coordinator. A kiosk checks an invited visitor in through its screens over HTTP, the
visit is on the building's desk, and acme's API shows it on site; acme's token opens nothing at globex.

Tasks run in the web process (no REDIS_URL), as the product's other Citus tests run them.
"""

from __future__ import annotations

import json

from tenant_apps.kiosk.device import DEVICE_COOKIE
from tests.citus.cluster import Cluster
from tests.citus.http_flow import invitation_steps
from tests.citus.product import manage
from tests.citus.test_desk import _on_desk
from tests.deploy.processes import free_port, gunicorn, production_env
from tests.many_workers.workers import Browser


def test_kiosk_desk_and_api_through_gunicorn_on_the_cluster(cluster: Cluster, product: dict[str, str]) -> None:
    port = free_port()
    env = production_env(database_url=cluster.url, port=port, CHECKIN_DATABASE_KIND="citus")
    env.pop("REDIS_URL", None)
    seeded = manage(env, "shell", "-c", "from tests.citus.http_flow import for_gunicorn; for_gunicorn()")
    given = json.loads(seeded.strip().splitlines()[-1])
    with gunicorn(env, port, timeout=60):  # deploy/gunicorn.conf.py, as the image runs it
        kiosk = Browser(port, "tower.localhost")
        kiosk.cookies[DEVICE_COOKIE] = given["kiosk"]
        assert kiosk.request("GET", "/kiosk/").status == 200
        answers = [kiosk.request("POST", path, form) for path, form in invitation_steps(given["code"])]
        assert [(a.status, a.location) for a in answers][-1] == (302, "/kiosk/done/"), answers
        assert kiosk.request("GET", "/kiosk/done/").status == 200

        assert _on_desk(cluster, "acme", given["visit"]) == [("acme", given["visit"], "on_site")]
        acme = Browser(port, "acme.localhost", headers={"Authorization": f"Bearer {given['api']}"})
        listed = json.loads(acme.request("GET", "/api/v1/visits/").body)["results"]
        assert [v["state"] for v in listed if v["id"] == given["visit"]] == ["on_site"]
        globex = Browser(port, "globex.localhost", headers={"Authorization": f"Bearer {given['api']}"})
        assert globex.request("GET", "/api/v1/visits/").status in {401, 403}  # acme's token is nothing at globex
