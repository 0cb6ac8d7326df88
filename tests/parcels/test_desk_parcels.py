"""The desk records a delivery for a host of a company of its building, the host is told by e-mail in their language
through the company's outbox, and the desk records who collected it (issue #24, item 4). The parcel lives in the
company's schema; the desk lists it through its read model, and no other building's desk sees or touches it."""

import re

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from tenant_apps.desk.models import DeskParcel
from tenant_apps.notifications.models import Delivery
from tenant_apps.parcels.models import Parcel
from tenant_apps.visits.models import Host
from tests.parcels.conftest import photo

pytestmark = pytest.mark.usefixtures("eager", "media")


def _host(company, name: str = "Sophie Dubois") -> Host:
    with tenant_context(company):
        return Host.objects.select_related("user").get(name=name)


def _record(desk, company, host: Host, **fields):
    data = {"recipient": f"{company.slug}:{host.pk}", "carrier": "bpost", "tracking_reference": "3232 0001",
            "items": "2", **fields}  # fmt: skip
    return desk.post("/desk/parcels/new/", data)


def _waiting_rows(desk) -> list[str]:
    page = desk.get("/desk/parcels/").content.decode()
    waiting = page.split('id="parcels-collected"')[0]
    return re.findall(r'<tr data-parcel="([^"]+)"', waiting)


def test_the_desk_records_a_parcel_with_its_label_photo_and_the_host_is_told_in_their_language(
    tower_desk, acme, media, django_capture_on_commit_callbacks
):
    host = _host(acme)
    with tenant_context(acme):
        member = User.objects.get(email="member@acme.example")
        User.objects.filter(pk=member.pk).update(language="nl")
        Host.objects.filter(pk=host.pk).update(user=member)
    with django_capture_on_commit_callbacks(execute=True):
        response = _record(tower_desk, acme, host, label_photo=photo("JPEG", name="label.png"))
    assert response.status_code == 302 and response["Location"] == "/desk/parcels/"
    with tenant_context(acme):
        parcel = Parcel.objects.get(tracking_reference="3232 0001")
        assert (parcel.host_id, parcel.carrier, parcel.items, parcel.picked_up_at) == (host.pk, "bpost", 2, None)
        assert parcel.received_by == "desk:tower:desk@tower.example"
        name = parcel.label_photo.name or ""
        # Stored under the kind Pillow found, not the name it came with.
        assert name.startswith(f"parcels/{acme.schema_name}/") and name.endswith(".jpg")
        delivery = Delivery.objects.get(parcel=parcel)
        assert (delivery.kind, delivery.status, delivery.visit_id) == (Delivery.Kind.PARCEL_EMAIL, "sent", None)
    [message] = [m for m in mail.outbox if m.to == [host.email]]
    assert message.subject == "Er wacht een pakket op u aan het onthaal"
    assert "bpost" in message.body and "3232 0001" in message.body and "Acme Logistics" in message.body
    assert f"{acme.slug}:{parcel.pk}" in _waiting_rows(tower_desk)
    photo_response = tower_desk.get(f"/desk/parcels/acme/{parcel.pk}/photo/")
    assert photo_response["Content-Type"] == "image/jpeg"
    assert photo_response["Content-Security-Policy"] == "default-src 'none'"
    assert (media / name).is_file()
    entry = AuditEntry.objects.filter(action="desk.parcel.record").latest("pk")
    assert entry.object_ids == {"tenant": [acme.pk], "parcel": [parcel.pk]}


def test_the_board_counts_the_parcels_waiting(tower_desk, acme, globex, make_parcel):
    def shown() -> int:
        page = tower_desk.get("/desk/").content.decode()
        found = re.search(r'data-count="parcels">(\d+)<', page)
        assert found is not None
        return int(found.group(1))

    before = shown()
    make_parcel(acme)
    make_parcel(globex)
    assert shown() == before + 2


def test_the_desk_records_the_pick_up_with_who_collected_it(tower_desk, acme, make_parcel):
    parcel = make_parcel(acme, reference="PICK-1")
    page = tower_desk.get(f"/desk/parcels/acme/{parcel.pk}/pick-up/")
    assert page.status_code == 200 and "PICK-1" in page.content.decode()
    response = tower_desk.post(f"/desk/parcels/acme/{parcel.pk}/pick-up/", {"collected_by": "  Jan   Peeters "})
    assert response.status_code == 302
    with tenant_context(acme):
        parcel.refresh_from_db()
    assert parcel.picked_up_at is not None and parcel.picked_up_by == "Jan Peeters"
    assert parcel.pick_up_recorded_by == "desk:tower:desk@tower.example"
    assert f"acme:{parcel.pk}" not in _waiting_rows(tower_desk)
    assert f'data-parcel="acme:{parcel.pk}"' in tower_desk.get("/desk/parcels/").content.decode()  # collected
    again = tower_desk.post(f"/desk/parcels/acme/{parcel.pk}/pick-up/", {"collected_by": "Someone Else"}, follow=True)
    assert "This parcel was collected already." in again.content.decode()
    with tenant_context(acme):
        assert Parcel.objects.get(pk=parcel.pk).picked_up_by == "Jan Peeters"


def test_a_pick_up_without_a_name_is_refused(tower_desk, acme, make_parcel):
    parcel = make_parcel(acme)
    response = tower_desk.post(f"/desk/parcels/acme/{parcel.pk}/pick-up/", {"collected_by": "   "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    with tenant_context(acme):
        assert Parcel.objects.get(pk=parcel.pk).picked_up_at is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"carrier": ""}, "carrier", "This field is required."),
        ({"items": "0"}, "items", "Ensure this value is greater than or equal to 1."),
        ({"items": "100"}, "items", "Ensure this value is less than or equal to 99."),
        ({"items": "two"}, "items", "Enter a whole number."),
        ({"recipient": ""}, "recipient", "This field is required."),
        ({"recipient": "initech:1"}, "recipient", "Select a valid choice."),  # another building's company
        ({"recipient": "acme:999999"}, "recipient", "Select a valid choice."),  # no such host
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(tower_desk, acme, fields, field, message):
    with tenant_context(acme):
        before = Parcel.objects.count()
    response = _record(tower_desk, acme, _host(acme), **fields)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    with tenant_context(acme):
        assert Parcel.objects.count() == before


def test_a_photo_that_is_no_image_or_too_large_is_refused(tower_desk, acme, settings, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    svg = SimpleUploadedFile("label.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>")
    response = _record(tower_desk, acme, _host(acme), label_photo=svg)
    assert response.status_code == 400 and "label_photo" in response.context["form"].errors
    gif = photo("GIF", name="label.gif")
    response = _record(tower_desk, acme, _host(acme), label_photo=gif)
    assert response.status_code == 400
    assert "Choose a JPEG, PNG or WebP photo of the label." in response.context["form"].errors["label_photo"]
    with tenant_context(acme):
        assert not Parcel.objects.filter(tracking_reference="3232 0001").exists()
    assert not [path for path in media.rglob("*") if path.is_file()]  # nothing stored


def test_the_desk_page_speaks_the_desk_users_language(tower_desk):
    page = tower_desk.get("/desk/parcels/new/", HTTP_ACCEPT_LANGUAGE="fr")
    response = tower_desk.post("/desk/parcels/new/", {"carrier": ""}, HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200 and response.status_code == 400


def test_another_buildings_desk_neither_sees_nor_touches_a_parcel(harbour_desk, tower_desk, acme, make_parcel):
    parcel = make_parcel(acme, reference="TOWER-ONLY")
    assert "TOWER-ONLY" not in harbour_desk.get("/desk/parcels/").content.decode()
    for path in (f"/desk/parcels/acme/{parcel.pk}/pick-up/", f"/desk/parcels/acme/{parcel.pk}/photo/"):
        assert harbour_desk.get(path).status_code == 404
    assert harbour_desk.post(f"/desk/parcels/acme/{parcel.pk}/pick-up/", {"collected_by": "X"}).status_code == 404
    with tenant_context(acme):
        assert Parcel.objects.get(pk=parcel.pk).picked_up_at is None
    assert "TOWER-ONLY" in tower_desk.get("/desk/parcels/").content.decode()


def test_the_read_model_follows_the_companys_rows(acme, tower_reception, make_parcel):
    parcel = make_parcel(acme, host="Jan Peeters")

    def rows() -> list[DeskParcel]:
        with tenant_context(tower_reception):
            return list(DeskParcel.objects.filter(company_id=acme.pk, parcel_id=parcel.pk))

    assert [(row.host_name, row.carrier, row.items) for row in rows()] == [("Jan Peeters", "DHL", 1)]
    with tenant_context(acme):
        Host.objects.filter(name="Jan Peeters").update(name="Jan Peeters-Claes")
    assert [row.host_name for row in rows()] == ["Jan Peeters-Claes"]
    with tenant_context(acme):
        Parcel.objects.filter(pk=parcel.pk).delete()
    assert rows() == []
