"""A real local S3-compatible server (moto's, over HTTP) and a private bucket configured as production reads it."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

KEYS = {"aws_access_key_id": "test-access", "aws_secret_access_key": "test-secret"}
REGION = "eu-central-1"


@contextmanager
def s3_server() -> Iterator[str]:
    """The server on a spare loopback port: its endpoint URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@contextmanager
def private_bucket(endpoint: str, name: str) -> Iterator[Any]:
    """A new bucket (an S3 client on it), emptied and removed afterwards."""
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **KEYS)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    try:
        yield client
    finally:
        for item in client.list_objects_v2(Bucket=name).get("Contents", []):
            client.delete_object(Bucket=name, Key=item["Key"])
        client.delete_bucket(Bucket=name)


def bucket_environment(prefix: str, *, endpoint: str, bucket: str) -> dict[str, str]:
    """The guide's variables for a bucket, e.g. prefix CHECKIN_MEDIA_S3."""
    return {
        f"{prefix}_BUCKET": bucket,
        f"{prefix}_ENDPOINT_URL": endpoint,
        f"{prefix}_REGION": REGION,
        f"{prefix}_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        f"{prefix}_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
    }
