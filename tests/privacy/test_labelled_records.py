"""The admin's record.json carries the visitor's own labelled record beside the stored values, and the company's
export holds the visitors' requests, described field by field."""

import csv
import io
import json

from django_tenants.utils import tenant_context

from tenant_apps.privacy.models import SubjectRequest
from tests.conftest import HostClient
from tests.privacy.test_exports import _archive, _make_export
from tests.privacy.test_person_page import ACME, MAIL, _zoe


def _without_time(report: dict) -> dict:
    return {key: value for key, value in report.items() if not key.startswith("made_at")}


def test_the_admins_json_has_the_same_labels_and_belgian_dates_as_the_visitors_own(acme, acme_admin):
    zoe, path = _zoe(acme, language="nl")
    HostClient(ACME).post(path + "request/", {"kind": "correction", "message": "Mijn naam is Zoé."})
    record = json.loads(acme_admin.get(f"/privacy/people/{zoe.pk}/record.json").content)
    # The stored values stay, for programs.
    assert record["visitor"]["email"] == MAIL and {v["state"] for v in record["visits"]} == {"left", "no_show"}
    assert [item["kind"] for item in record["requests"]] == ["correction"]
    labelled = record["labelled"]
    assert labelled["format"] == "checkin.person-record/1" and labelled["language"] == "nl"
    own = json.loads(HostClient(ACME).get(path + "my-data.json").content)
    assert _without_time(labelled) == _without_time(own)
    fields = {entry["field"]: entry for entry in labelled["person"]}
    assert fields["email"]["value"] == MAIL and fields["first_name"]["label"] == "Voornaam"
    assert {visit["state_label"] for visit in labelled["visits"]} == {"vertrokken", "niet opgedaagd"}
    received = labelled["requests"][0]["received_at_display"]
    assert received.count("-") == 2 and ":" in received and "/" not in received  # 7-12-2026 14:05
    assert labelled["requests"][0]["kind_label"] == "rechtzetting"


def test_the_export_holds_the_visitors_requests_with_labelled_codes(acme, eager, django_capture_on_commit_callbacks):
    zoe, path = _zoe(acme)
    HostClient(ACME).post(path + "request/", {"kind": "erasure", "message": "Effacez-moi."})
    with tenant_context(acme):
        item = SubjectRequest.objects.get()
    export = _make_export(acme, django_capture_on_commit_callbacks)
    archive = _archive(export)
    rows = list(csv.DictReader(io.StringIO(archive.read("subject_requests.csv").decode("utf-8-sig"))))
    assert [(r["id"], r["kind"], r["status"], r["visitor_id"]) for r in rows] == [
        (str(item.pk), "erasure", "open", str(zoe.pk))
    ]
    assert [r["id"] for r in json.loads(archive.read("subject_requests.json"))] == [item.pk]
    readme = archive.read("README.txt").decode()
    assert "subject_requests (1 rows)" in readme
    assert "restriction (restriction of processing)" in readme and "erased (closed: person erased)" in readme
    assert "  due_at: Answer due by" in readme
    assert export.row_counts["subject_requests"] == 1
