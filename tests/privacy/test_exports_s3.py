"""Exports in an S3-compatible bucket (CHECKIN_EXPORT_STORAGE=s3) against a real local S3 server (moto's)."""

import datetime as dt
import hashlib
import io
import socket
from collections.abc import Iterator

import boto3
import pytest
import time_machine
from django.core.management import call_command
from django_tenants.utils import tenant_context
from moto.server import ThreadedMotoServer

from checkin.export_storage import export_storage_config
from shared_apps.accounts.models import User
from tenant_apps.privacy.exports.lifecycle import export_request
from tenant_apps.privacy.models import Export

BUCKET = "checkin-exports"
KEYS = {"aws_access_key_id": "test-access", "aws_secret_access_key": "test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible HTTP server on a spare loopback port, spoken to over HTTP like any other store."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A private bucket, and the exports storage configured from the environment as production reads it."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-central-1", **KEYS)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    for name, value in {
        "CHECKIN_EXPORT_S3_BUCKET": BUCKET, "CHECKIN_EXPORT_S3_ENDPOINT_URL": s3_endpoint,
        "CHECKIN_EXPORT_S3_REGION": "eu-central-1", "CHECKIN_EXPORT_S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "CHECKIN_EXPORT_S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    exports = export_storage_config("s3", default_root=settings.PROJECT_ROOT)  # the root serves filesystem only
    settings.STORAGES = {**settings.STORAGES, "exports": exports}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _make_export(company, django_capture_on_commit_callbacks) -> Export:
    with tenant_context(company), django_capture_on_commit_callbacks(execute=True):
        export = export_request(user=User.objects.get(email=f"admin@{company.slug}.example"))
    with tenant_context(company):
        export.refresh_from_db()
    return export


@pytest.mark.django_db
def test_an_export_is_written_to_a_private_object_and_downloads_through_web(
    acme, acme_admin, bucket, eager, django_capture_on_commit_callbacks
):
    export = _make_export(acme, django_capture_on_commit_callbacks)
    assert export.status == Export.Status.READY
    key = f"exports/{export.storage_name}"
    body = bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == export.sha256 and body[:2] == b"PK"
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only: no public read
    response = acme_admin.get(f"/privacy/exports/{export.pk}/download/")
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == export.sha256


@pytest.mark.django_db
def test_an_expired_export_is_removed_from_the_bucket(acme, bucket, eager, django_capture_on_commit_callbacks):
    export = _make_export(acme, django_capture_on_commit_callbacks)
    assert export.expires_at is not None
    with time_machine.travel(export.expires_at + dt.timedelta(minutes=1)):
        call_command("expire_exports", "--company", "acme", stdout=io.StringIO())
    assert bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
