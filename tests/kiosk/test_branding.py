"""IT sets a building's kiosk branding, badge labels and desk address in the console; the kiosk serves them within
the CSP (a stylesheet of its own host, never an inline style)."""

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from checkin.file_storage import MEDIA, storage_config
from tests.kiosk.conftest import choose_language
from tests.s3_store import bucket_environment, private_bucket, s3_server


def _building_form(it_staff, tower, **changes: object) -> dict[str, object]:
    form = it_staff.get(f"/console/buildings/{tower.slug}/").context["form"]
    return {**{name: value for name, value in form.initial.items() if value not in (None, False)},
            "kiosk_languages": form.initial["kiosk_languages"], "auto_checkout_time": "20:00", **changes}  # fmt: skip


def test_it_sets_the_branding_and_the_kiosk_shows_it(it_staff, kiosk_tower, tower):
    data = _building_form(it_staff, tower, kiosk_welcome="Welkom in de Toren", kiosk_accent="#1D4ED8",
                          badge_size="54x101", desk_email="desk@tower.example")  # fmt: skip
    assert it_staff.post(f"/console/buildings/{tower.slug}/", data).status_code == 302
    tower.refresh_from_db()
    assert (tower.kiosk_welcome, tower.kiosk_accent, tower.badge_size, tower.desk_email) == (
        "Welkom in de Toren", "#1d4ed8", "54x101", "desk@tower.example"
    )  # fmt: skip
    choose_language(kiosk_tower)
    page = kiosk_tower.get("/kiosk/menu/").content.decode()
    assert "Welkom in de Toren" in page and "/kiosk/brand.css" in page and "style=" not in page
    css = kiosk_tower.get("/kiosk/brand.css")
    assert css["Content-Type"].startswith("text/css") and "--brand: #1d4ed8" in css.content.decode()


def test_a_too_light_or_malformed_colour_is_refused_and_nothing_is_saved(it_staff, tower):
    for colour in ("#ffff00", "yellow"):
        data = _building_form(it_staff, tower, kiosk_accent=colour, kiosk_welcome="Never")
        response = it_staff.post(f"/console/buildings/{tower.slug}/", data)
        assert response.status_code in (200, 400) and "errorlist" in response.content.decode()
    tower.refresh_from_db()
    assert tower.kiosk_accent == "" and tower.kiosk_welcome == ""


def test_without_a_colour_the_kiosk_links_no_brand_stylesheet(kiosk_tower):
    choose_language(kiosk_tower)
    assert "/kiosk/brand.css" not in kiosk_tower.get("/kiosk/menu/").content.decode()
    assert kiosk_tower.get("/kiosk/brand.css").content == b""


def _image(kind: str = "PNG", size: tuple[int, int] = (40, 20), name: str = "brand.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format=kind)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_it_uploads_the_kiosk_logo_and_the_kiosk_shows_it_from_its_own_host(
    it_staff, kiosk_tower, kiosk_harbour, tower
):
    # A JPEG uploaded under a .png name is stored and served as what it is.
    data = _building_form(it_staff, tower, kiosk_logo=_image("JPEG", name="brand.png"))
    assert it_staff.post(f"/console/buildings/{tower.slug}/", data).status_code == 302
    tower.refresh_from_db()
    try:
        assert tower.kiosk_logo.name.startswith(f"logos/building-{tower.slug}/") and tower.kiosk_logo.name.endswith(
            ".jpg"
        )
        assert tower.kiosk_logo.storage.exists(tower.kiosk_logo.name)  # in the configured storage
        choose_language(kiosk_tower)
        page = kiosk_tower.get("/kiosk/menu/").content.decode()
        assert 'src="/kiosk/brand-logo/"' in page
        served = kiosk_tower.get("/kiosk/brand-logo/")
        assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
        assert served["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in served["Content-Security-Policy"]
        assert b"".join(served.streaming_content).startswith(b"\xff\xd8")  # the JPEG itself
        assert kiosk_harbour.get("/kiosk/brand-logo/").status_code == 404  # another building's kiosk: its own (none)

        old = tower.kiosk_logo.name
        data = _building_form(it_staff, tower, kiosk_logo_clear="on")
        assert it_staff.post(f"/console/buildings/{tower.slug}/", data).status_code == 302
        tower.refresh_from_db()
        assert not tower.kiosk_logo and not tower.kiosk_logo.storage.exists(old)
        assert kiosk_tower.get("/kiosk/brand-logo/").status_code == 404
    finally:
        if tower.kiosk_logo:
            tower.kiosk_logo.delete(save=True)


def test_with_media_in_a_bucket_the_logo_is_stored_there_and_served_by_the_kiosk(
    it_staff, kiosk_tower, tower, settings, monkeypatch
):
    """CHECKIN_MEDIA_STORAGE=s3: the web process that takes the upload and the one that serves it share no disk."""
    with s3_server() as endpoint, private_bucket(endpoint, "checkin-media") as client:
        for name, value in bucket_environment("CHECKIN_MEDIA_S3", endpoint=endpoint, bucket="checkin-media").items():
            monkeypatch.setenv(name, value)
        settings.STORAGES = {**settings.STORAGES, "default": storage_config(MEDIA, "s3", default_root=Path("/"))}
        data = _building_form(it_staff, tower, kiosk_logo=_image("PNG"))
        assert it_staff.post(f"/console/buildings/{tower.slug}/", data).status_code == 302
        tower.refresh_from_db()
        [stored] = [item["Key"] for item in client.list_objects_v2(Bucket="checkin-media")["Contents"]]
        assert stored == f"media/{tower.kiosk_logo.name}"
        grants = client.get_object_acl(Bucket="checkin-media", Key=stored)["Grants"]
        assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # no public read
        choose_language(kiosk_tower)
        served = kiosk_tower.get("/kiosk/brand-logo/")
        assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"\x89PNG")

        data = _building_form(it_staff, tower, kiosk_logo_clear="on")
        assert it_staff.post(f"/console/buildings/{tower.slug}/", data).status_code == 302
        assert client.list_objects_v2(Bucket="checkin-media")["KeyCount"] == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>"),
         "Upload a valid image"),
        (SimpleUploadedFile("notes.txt", b"not an image at all"), "Upload a valid image"),
        ("big", "larger than 512 KB"),
        ("tiff", "Choose a PNG, JPEG, WebP or GIF image"),
    ],
)  # fmt: skip
def test_a_bad_logo_is_refused_with_a_clear_error_and_nothing_is_saved(it_staff, tower, upload, message):
    if upload == "big":
        noise = Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3))
        buffer = io.BytesIO()
        noise.save(buffer, format="PNG")
        upload = SimpleUploadedFile("big.png", buffer.getvalue())
    elif upload == "tiff":
        upload = _image("TIFF", name="logo.tiff")
    data = _building_form(it_staff, tower, kiosk_logo=upload, kiosk_welcome="Never")
    response = it_staff.post(f"/console/buildings/{tower.slug}/", data)
    assert response.status_code in (200, 400)
    errors = response.context["form"].errors["kiosk_logo"]
    assert any(message in error for error in errors), errors
    tower.refresh_from_db()
    assert not tower.kiosk_logo and tower.kiosk_welcome == ""


def test_the_logo_error_is_in_the_users_language(it_staff, tower):
    it_staff.cookies["django_language"] = "fr"
    data = _building_form(it_staff, tower, kiosk_logo=_image("TIFF", name="logo.tiff"))
    response = it_staff.post(f"/console/buildings/{tower.slug}/", data, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Choisissez une image PNG, JPEG, WebP ou GIF pour le logo." in response.content.decode()
