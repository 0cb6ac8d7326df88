"""Serving an uploaded image (a logo, a parcel label's photo) from the media storage, never at a public URL."""

from collections.abc import Mapping

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse


def stored_image_response(file: FieldFile | None, types: Mapping[str, str]) -> HttpResponse:
    """The image under the type its stored name's suffix says (404 without a file or for another suffix), with
    nothing active allowed: the upload forms named each file by the kind Pillow read, not by what was sent."""
    content_type = types.get((file.name or "").rsplit(".", 1)[-1].lower()) if file else None
    if file is None or not file or content_type is None:
        raise Http404
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'"
    return response  # type: ignore[return-value]  # streamed; the views that return it are typed HttpResponse
