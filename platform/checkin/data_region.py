"""Where data may go: the region the operator declares (`CHECKIN_DATA_REGION`, default `eu`).

The privacy notice promises hosting in the EU. What Check-in can see of that
from its settings is where its error reports (Sentry) and its export and media buckets are;
`check --deploy` warns when either is outside the declared region
(`checkin/checks.py`). Database, Redis and the mail relay are named by hosts
whose location no setting tells: deploy/DATA_PROTECTION.md lists them for the
operator to fill in.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

REGIONS = ("eu", "none")  # none: the operator declares no region, nothing is checked
# Region codes of the big clouds that are outside the EU (AWS and S3-compatible stores name regions alike).
_NON_EU_REGION = re.compile(r"^((us|ca|ap|sa|me|af|il|mx|cn)-|uk|eu-west-2$)")  # eu-west-2 is London
_NON_EU_LABEL = re.compile(r"(^|[.-])(us|ca|ap|sa|me|af|il|mx|cn)-[a-z]+-\d+")


def region_validate(value: str) -> str:
    region = value.strip().lower()
    if region not in REGIONS:
        raise ImproperlyConfigured(f"CHECKIN_DATA_REGION={value!r}: use eu (the default) or none.")
    return region


def sentry_outside(dsn: str, region: str) -> str | None:
    """Why the Sentry DSN sends events outside `region`, or None (also for a self-hosted Sentry: its host is yours)."""
    host = (urlsplit(dsn).hostname or "").lower()
    if region != "eu" or not dsn or not (host == "sentry.io" or host.endswith(".sentry.io")):
        return None
    if host.endswith(".de.sentry.io"):  # Sentry's EU data region (Frankfurt): o<org>.ingest.de.sentry.io
        return None
    return (
        f"SENTRY_DSN sends events to {host}, in Sentry's US region: create the project in Sentry's EU region "
        "(a DSN on ingest.de.sentry.io)."
    )


def s3_outside(*, endpoint_url: str, region_name: str, region: str, prefix: str = "CHECKIN_EXPORT_S3") -> str | None:
    """Why the bucket configured by `prefix`_* lies outside `region`, or None when it is in it or its place
    cannot be told."""
    if region != "eu":
        return None
    host = (urlsplit(endpoint_url).hostname or "").lower() if endpoint_url else ""
    on_aws = not endpoint_url or host.endswith(".amazonaws.com")
    named = region_name.strip().lower()
    if on_aws:
        aws_region = named or next(iter(re.findall(r"s3[.-]([a-z]{2}-[a-z]+-\d+)\.amazonaws\.com", host)), "")
        if not aws_region:
            return f"{prefix}_REGION is unset, so AWS puts the bucket in us-east-1: set an EU region (eu-*)."
        if not aws_region.startswith("eu-") or aws_region == "eu-west-2":
            return f"The bucket of {prefix}_* is in AWS region {aws_region}, outside the EU: use an eu-* region."
        return None
    if named and _NON_EU_REGION.match(named):
        return f"{prefix}_REGION={named} lies outside the EU: choose the store's EU region."
    if _NON_EU_LABEL.search(host):
        return f"{prefix}_ENDPOINT_URL names a region outside the EU ({host}): use the store's EU endpoint."
    return None
