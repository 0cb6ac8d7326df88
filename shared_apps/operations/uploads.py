"""A ceiling on uploaded files, checked before the body is read.

Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not files: without
this, a multi-gigabyte upload would be streamed to a temporary file in full
before any form could say it is too large. Forms keep their own, smaller limits
and explain them (a CSV import: 200 kB); this one answers 413 at the door.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class UploadTooBig(RequestDataTooBig):
    """A multipart body over CHECKIN_UPLOAD_MAX_BYTES (shared_apps.operations.errors answers 413)."""


class UploadSizeLimit(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: refuses a body that says, or turns out, to be over the ceiling."""

    received = 0

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        if content_length > settings.CHECKIN_UPLOAD_MAX_BYTES:
            raise UploadTooBig("The request's body is larger than CHECKIN_UPLOAD_MAX_BYTES.")
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.CHECKIN_UPLOAD_MAX_BYTES:
            raise UploadTooBig("The uploaded files are larger than CHECKIN_UPLOAD_MAX_BYTES.")
        return raw_data  # passed on to the next handler, which keeps it

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file
