"""Where privacy exports are written (by a worker) and read back (by web): one storage both reach.

`CHECKIN_EXPORT_STORAGE=filesystem` writes under `CHECKIN_EXPORT_ROOT`, which in
production must be a volume every web and worker process mounts;
`CHECKIN_EXPORT_STORAGE=s3` writes to a private bucket of any S3-compatible store
through django-storages. Exports never live under a public URL.
"""

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from checkin.env import env_str

KINDS = ("filesystem", "s3")


def export_storage_config(kind: str, *, default_root: Path) -> dict[str, Any]:
    """The `STORAGES["exports"]` entry for `kind`."""
    if kind == "s3":
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env_str("CHECKIN_EXPORT_S3_BUCKET"),
                "endpoint_url": env_str("CHECKIN_EXPORT_S3_ENDPOINT_URL") or None,
                "region_name": env_str("CHECKIN_EXPORT_S3_REGION") or None,
                "access_key": env_str("CHECKIN_EXPORT_S3_ACCESS_KEY_ID") or None,
                "secret_key": env_str("CHECKIN_EXPORT_S3_SECRET_ACCESS_KEY") or None,
                "location": env_str("CHECKIN_EXPORT_S3_PREFIX", "exports"),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    if kind == "filesystem":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": env_str("CHECKIN_EXPORT_ROOT", str(default_root)),
                "base_url": None,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    raise ImproperlyConfigured(f"CHECKIN_EXPORT_STORAGE={kind!r}: use 'filesystem' or 's3'.")


def export_storage_refusal(config: dict[str, Any], *, package_root: Path) -> str | None:
    """Why production cannot use this storage (one line saying what to set), or None."""
    options = config["OPTIONS"]
    if config["BACKEND"].startswith("storages."):
        if not options["bucket_name"]:
            return "CHECKIN_EXPORT_STORAGE=s3 needs CHECKIN_EXPORT_S3_BUCKET (a private bucket)."
        return None
    root = Path(env_str("CHECKIN_EXPORT_ROOT"))
    if not env_str("CHECKIN_EXPORT_ROOT") or not root.is_absolute():
        return (
            "CHECKIN_EXPORT_ROOT must be an absolute path on a volume that web and worker both mount "
            "(or set CHECKIN_EXPORT_STORAGE=s3)."
        )
    resolved = root.resolve()
    if resolved == package_root or package_root in resolved.parents:
        return f"CHECKIN_EXPORT_ROOT={root} is inside the installed application: use a shared volume outside it."
    if not resolved.is_dir() or not os.access(resolved, os.W_OK | os.X_OK):
        return f"CHECKIN_EXPORT_ROOT={root} is not a folder this process can write: mount the shared volume there."
    return None
