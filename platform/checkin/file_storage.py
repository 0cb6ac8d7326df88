"""Where files live that every web and worker process must reach: privacy exports, and uploaded media.

Each place is a filesystem folder, which in production must be a volume every web and worker process
mounts, or a private bucket of any S3-compatible store through django-storages:
- exports (`CHECKIN_EXPORT_STORAGE`): written by a worker, downloaded through web; under
  `CHECKIN_EXPORT_ROOT`, or `CHECKIN_EXPORT_S3_*`;
- media (`CHECKIN_MEDIA_STORAGE`): logos and parcel label photos, uploaded through one web process and
  shown through any other; under `MEDIA_ROOT`, or `CHECKIN_MEDIA_S3_*`.
Neither lives under a public URL: the application's views read the files and serve them.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from checkin.env import env_str

KINDS = ("filesystem", "s3")


@dataclass(frozen=True)
class Place:
    kind_variable: str  # CHECKIN_EXPORT_STORAGE
    s3_prefix: str  # CHECKIN_EXPORT_S3: _BUCKET, _ENDPOINT_URL, _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY, _PREFIX
    root_variable: str  # CHECKIN_EXPORT_ROOT
    default_prefix: str  # the folder inside the bucket
    private_files: bool  # files and folders readable by the process's user only


EXPORTS = Place("CHECKIN_EXPORT_STORAGE", "CHECKIN_EXPORT_S3", "CHECKIN_EXPORT_ROOT", "exports", private_files=True)
MEDIA = Place("CHECKIN_MEDIA_STORAGE", "CHECKIN_MEDIA_S3", "MEDIA_ROOT", "media", private_files=False)


def storage_config(place: Place, kind: str, *, default_root: Path) -> dict[str, Any]:
    """The `STORAGES` entry of `place` for `kind`, read from the environment."""
    if kind == "s3":
        s3 = place.s3_prefix
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env_str(f"{s3}_BUCKET"),
                "endpoint_url": env_str(f"{s3}_ENDPOINT_URL") or None,
                "region_name": env_str(f"{s3}_REGION") or None,
                "access_key": env_str(f"{s3}_ACCESS_KEY_ID") or None,
                "secret_key": env_str(f"{s3}_SECRET_ACCESS_KEY") or None,
                "location": env_str(f"{s3}_PREFIX", place.default_prefix),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    if kind == "filesystem":
        permissions = {"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700}
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": env_str(place.root_variable, str(default_root)),
                "base_url": None,
                **(permissions if place.private_files else {}),
            },
        }
    raise ImproperlyConfigured(f"{place.kind_variable}={kind!r}: use 'filesystem' or 's3'.")


def storage_refusal(place: Place, config: dict[str, Any], *, package_root: Path) -> str | None:
    """Why production cannot use this storage (one line saying what to set), or None."""
    options = config["OPTIONS"]
    if config["BACKEND"].startswith("storages."):
        if not options["bucket_name"]:
            return f"{place.kind_variable}=s3 needs {place.s3_prefix}_BUCKET (a private bucket)."
        return None
    name = place.root_variable
    root = Path(env_str(name))
    if not env_str(name) or not root.is_absolute():
        return (
            f"{name} must be an absolute path on a volume that web and worker both mount "
            f"(or set {place.kind_variable}=s3)."
        )
    resolved = root.resolve()
    if resolved == package_root or package_root in resolved.parents:
        return f"{name}={root} is inside the installed application: use a shared volume outside it."
    if not resolved.is_dir() or not os.access(resolved, os.W_OK | os.X_OK):
        return f"{name}={root} is not a folder this process can write: mount the shared volume there."
    return None
