"""The metrics, in-process: who may read /metrics, and what moves each series."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context
from prometheus_client import REGISTRY

from shared_apps.tenancy.models import Tenant
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.tasks import backlog_measure_all, deliver
from tenant_apps.privacy.models import Export
from tenant_apps.privacy.tasks import export_generate_task, purge_company_task
from tenant_apps.visits.models import Visit
from tests.notifications.conftest import register
from tests.notifications.test_sending import age

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-" + "s" * 30


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_are_off_until_a_token_or_networks_are_set(client_for):
    assert client_for("localhost").get("/metrics").status_code == 404


def test_with_a_token_the_scraper_must_send_it(client_for, settings):
    settings.CHECKIN_METRICS_TOKEN = TOKEN
    client = client_for("10.0.0.5:8000")  # Prometheus scrapes the pod's address: no tenant host needed
    refused = client.get("/metrics")
    assert (refused.status_code, refused["WWW-Authenticate"]) == (401, 'Bearer realm="metrics"')
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    answer = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")
    assert b"# TYPE checkin_http_requests_total counter" in answer.content


def test_with_networks_the_scraper_must_connect_from_one_directly(client_for, settings):
    settings.CHECKIN_METRICS_NETWORKS = ["10.0.0.0/8"]
    client = client_for("10.0.0.5:8000")
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 403
    # Through the proxy (which may sit inside the network) is not directly.
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 403
    settings.CHECKIN_METRICS_TOKEN = TOKEN  # both: both are needed
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 401
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_requests_are_counted_by_surface_and_status_class(client_for, initech):
    visits = {
        ("localhost", "/accounts/login/"): ("console", "2xx"),
        ("localhost", "/api/v1/buildings/"): ("api", "4xx"),
        ("tower.localhost", "/accounts/login/"): ("desk", "2xx"),
        ("tower.localhost", "/kiosk/"): ("kiosk", "3xx"),
        ("acme.localhost", "/"): ("portal", "3xx"),
        ("acme.localhost", "/api/v1/visits/"): ("api", "4xx"),
        ("acme.localhost", "/privacy/"): ("privacy", "3xx"),
        ("nowhere.localhost", "/"): ("other", "4xx"),
    }
    before = {labels: value("checkin_http_requests_total", surface=labels[0], status_class=labels[1])
              for labels in visits.values()}  # fmt: skip
    for (host, path), (_surface, status_class) in visits.items():
        assert client_for(host).get(path).status_code // 100 == int(status_class[0]), (host, path)
    for labels in visits.values():
        counted = value("checkin_http_requests_total", surface=labels[0], status_class=labels[1]) - before[labels]
        assert counted == sum(1 for other in visits.values() if other == labels), labels
    assert value("checkin_http_request_duration_seconds_count", surface="kiosk") >= 1

    errors = value("checkin_http_server_errors_total", surface="portal")
    Tenant.objects.filter(pk=initech.pk).update(status=Tenant.Status.SUSPENDED)
    assert client_for("initech.localhost").get("/").status_code == 503
    assert value("checkin_http_server_errors_total", surface="portal") == errors + 1


def test_a_delivery_sent_observes_its_lag(acme):
    count, total = (
        value("checkin_delivery_lag_seconds_count", kind="invitation"),
        value("checkin_delivery_lag_seconds_sum", kind="invitation"),
    )
    with tenant_context(acme):
        delivery = Delivery.objects.create(visit=register(channel=Visit.Channel.DESK), kind=Delivery.Kind.INVITATION)
        age(delivery, created_at=dt.timedelta(seconds=40))
        assert deliver.apply((delivery.pk,)).get() == "sent"
    assert value("checkin_delivery_lag_seconds_count", kind="invitation") == count + 1
    assert 40 <= value("checkin_delivery_lag_seconds_sum", kind="invitation") - total < 100


def test_beat_measures_unsent_and_failed_deliveries_of_all_companies(acme, globex):
    backlog_measure_all.apply()
    pending, failed = value("checkin_deliveries_pending"), value("checkin_deliveries_failed")
    for company in (acme, globex):
        with tenant_context(company):
            visit = register(channel=Visit.Channel.DESK)
            age(Delivery.objects.create(visit=visit, kind=Delivery.Kind.INVITATION), created_at=dt.timedelta(hours=2))
            Delivery.objects.create(visit=visit, kind=Delivery.Kind.HOST_EMAIL, status=Delivery.Status.SENDING)
            Delivery.objects.create(visit=visit, kind=Delivery.Kind.CANCELLATION, status=Delivery.Status.FAILED)
            Delivery.objects.create(visit=visit, kind=Delivery.Kind.RESCHEDULE, status=Delivery.Status.SENT)

    assert backlog_measure_all.apply().get() == pending + 4
    assert (value("checkin_deliveries_pending"), value("checkin_deliveries_failed")) == (pending + 4, failed + 2)
    assert value("checkin_deliveries_oldest_pending_seconds") >= 2 * 3600
    assert value("checkin_deliveries_measured_timestamp_seconds") > 0


def test_purges_exports_and_migrations_are_timed(acme, settings, tmp_path: Path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    purges, exports = value("checkin_purge_duration_seconds_count"), value("checkin_export_duration_seconds_count")
    migrations = value("checkin_migration_duration_seconds_count", step="tenants")
    with tenant_context(acme):
        purge_company_task.apply()
        assert export_generate_task.apply((Export.objects.create().pk,)).get() == Export.Status.READY
    call_command("migrate_schemas", schema_name="acme", interactive=False, verbosity=0)

    assert value("checkin_purge_duration_seconds_count") == purges + 1
    assert value("checkin_export_duration_seconds_count") == exports + 1
    assert value("checkin_migration_duration_seconds_count", step="tenants") == migrations + 1
