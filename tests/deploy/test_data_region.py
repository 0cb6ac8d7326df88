"""check --deploy warns when error reports or exports leave the region the operator declares (CHECKIN_DATA_REGION)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from checkin.checks import data_region_check
from checkin.data_region import region_validate, s3_outside, sentry_outside
from checkin.file_storage import EXPORTS, MEDIA, storage_config


@pytest.mark.parametrize(
    ("dsn", "warned"),
    [
        ("https://key@o123.ingest.de.sentry.io/456", False),  # Sentry's EU region
        ("https://key@o123.ingest.us.sentry.io/456", True),
        ("https://key@o123.ingest.sentry.io/456", True),  # the older US host
        ("https://key@sentry.io/456", True),
        ("https://key@sentry.internal.example/4", False),  # self-hosted: where it runs is the operator's to say
        ("", False),
    ],
)
def test_sentry_outside_the_eu_region_is_named(dsn, warned):
    assert (sentry_outside(dsn, "eu") is not None) is warned
    assert sentry_outside(dsn, "none") is None


@pytest.mark.parametrize(
    ("endpoint", "region", "warned"),
    [
        ("", "eu-central-1", False),
        ("", "", True),  # AWS's default region is us-east-1
        ("", "us-east-1", True),
        ("", "eu-west-2", True),  # London
        ("https://s3.eu-west-3.amazonaws.com", "", False),
        ("https://s3.us-west-2.amazonaws.com", "", True),
        ("https://s3.fr-par.scw.cloud", "fr-par", False),
        ("https://s3.us-west-004.backblazeb2.com", "", True),
        ("https://s3.eu-central-003.backblazeb2.com", "", False),
        ("http://minio.internal:9000", "", False),  # self-hosted
        ("https://objects.example", "ap-southeast-1", True),
    ],
)
def test_an_export_bucket_outside_the_eu_region_is_named(endpoint, region, warned):
    assert (s3_outside(endpoint_url=endpoint, region_name=region, region="eu") is not None) is warned


def test_the_declared_region_is_checked():
    assert region_validate(" EU ") == "eu"
    with pytest.raises(ImproperlyConfigured, match="CHECKIN_DATA_REGION='mars': use eu"):
        region_validate("mars")


def _s3(settings) -> dict:
    return storage_config(EXPORTS, "s3", default_root=settings.PROJECT_ROOT)  # reads CHECKIN_EXPORT_S3_* now


def test_the_deploy_check_warns_for_each_with_its_own_id(settings, monkeypatch):
    settings.SENTRY_DSN = "https://key@o1.ingest.us.sentry.io/2"
    monkeypatch.setenv("CHECKIN_EXPORT_S3_BUCKET", "exports")
    monkeypatch.setenv("CHECKIN_EXPORT_S3_REGION", "us-east-1")
    settings.STORAGES = {**settings.STORAGES, "exports": _s3(settings)}
    assert [warning.id for warning in data_region_check()] == ["checkin.W010", "checkin.W011"]
    settings.CHECKIN_DATA_REGION = "none"
    assert data_region_check() == []
    settings.CHECKIN_DATA_REGION = "eu"
    settings.SENTRY_DSN = "https://key@o1.ingest.de.sentry.io/2"
    monkeypatch.setenv("CHECKIN_EXPORT_S3_REGION", "eu-central-1")
    settings.STORAGES = {**settings.STORAGES, "exports": _s3(settings)}
    assert data_region_check() == []


def test_a_media_bucket_outside_the_region_is_warned_about_by_its_own_variables(settings, monkeypatch):
    monkeypatch.setenv("CHECKIN_MEDIA_S3_BUCKET", "media")
    monkeypatch.setenv("CHECKIN_MEDIA_S3_REGION", "ap-southeast-1")
    settings.STORAGES = {**settings.STORAGES, "default": storage_config(MEDIA, "s3", default_root=settings.MEDIA_ROOT)}
    [warning] = data_region_check()
    assert warning.id == "checkin.W011" and warning.msg.startswith("The bucket of CHECKIN_MEDIA_S3_* is in AWS region")
