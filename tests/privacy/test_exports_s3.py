"""Exports in an S3-compatible bucket (CHECKIN_EXPORT_STORAGE=s3) against a real local S3 server (moto's)."""

import datetime as dt
import hashlib
import io
from collections.abc import Iterator

import pytest
import time_machine
from django.core.management import call_command
from django_tenants.utils import tenant_context

from checkin.file_storage import EXPORTS, storage_config
from shared_apps.accounts.models import User
from tenant_apps.privacy.exports.lifecycle import export_request
from tenant_apps.privacy.models import Export
from tests.s3_store import bucket_environment, private_bucket, s3_server

BUCKET = "checkin-exports"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A private bucket, and the exports storage configured from the environment as production reads it."""
    with private_bucket(s3_endpoint, BUCKET) as client:
        for name, value in bucket_environment("CHECKIN_EXPORT_S3", endpoint=s3_endpoint, bucket=BUCKET).items():
            monkeypatch.setenv(name, value)
        exports = storage_config(EXPORTS, "s3", default_root=settings.PROJECT_ROOT)  # root: filesystem only
        settings.STORAGES = {**settings.STORAGES, "exports": exports}
        yield client


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
