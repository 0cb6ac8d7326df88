"""The evacuation list: everyone on site now, grouped by company, printable, and a CSV safe for spreadsheets."""

import csv
import io

from django.utils import formats, timezone, translation

from shared_apps.audit.models import AuditEntry
from tenant_apps.desk.evacuation import csv_cell
from tenant_apps.visits.models import Visit


def test_it_lists_everyone_on_site_grouped_by_company(tower_desk, acme, globex, make_visit):
    make_visit(acme, first_name="Nerissa", state=Visit.State.ON_SITE)
    make_visit(globex, first_name="Octavian", state=Visit.State.ON_SITE)
    make_visit(globex, first_name="Perpetua", state=Visit.State.LEFT)
    make_visit(globex, first_name="Quentin")
    response = tower_desk.get("/desk/evacuation/")
    page = response.content.decode()
    groups = dict(response.context["groups"])
    assert "Nerissa" in [v.first_name for v in groups["Acme Logistics"]]
    assert "Octavian" in [v.first_name for v in groups["Globex Consulting"]]
    assert "Perpetua" not in page and "Quentin" not in page
    assert page.count('class="card evacuation-company"') == len(groups)  # one printed page each (desk.css)
    assert "data-rollcall=" in page and "desk/desk.js" in page
    assert AuditEntry.objects.filter(action="desk.evacuation.view", details__on_site=response.context["total"]).exists()


def test_the_harbour_desk_does_not_see_tower_people(harbour_desk, acme, make_visit):
    make_visit(acme, first_name="Rosalind", state=Visit.State.ON_SITE)
    assert "Rosalind" not in harbour_desk.get("/desk/evacuation/").content.decode()
    assert "Rosalind" not in harbour_desk.get("/desk/evacuation.csv").content.decode("utf-8-sig")


def test_the_csv_neutralises_formulas(tower_desk, acme, make_visit):
    make_visit(acme, first_name="=HYPERLINK(1)", last_name="+SUM(A1)", organisation="-2+3", state=Visit.State.ON_SITE)
    make_visit(acme, first_name="@cmd", last_name="Ünsal", organisation="\tTab", state=Visit.State.ON_SITE)
    response = tower_desk.get("/desk/evacuation.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(1)" in cells and "'+SUM(A1)" in cells and "'-2+3" in cells and "'@cmd" in cells
    assert "Tab" in cells and "Ünsal" in cells  # a name never keeps a tab (tenancy.text); csv_cell guards others
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
    assert AuditEntry.objects.filter(action="desk.evacuation.csv").exists()


def test_csv_cell_leaves_ordinary_text_alone():
    assert csv_cell("Acme Logistics") == "Acme Logistics"
    assert csv_cell("") == ""
    assert csv_cell("\r=1") == "'\r=1"
    assert csv_cell("\tTab") == "'\tTab"


def test_the_print_has_a_title_the_building_the_time_and_totals_per_company(tower_desk, acme, globex, make_visit):
    for name in ("Sabine", "Tobias"):
        make_visit(acme, first_name=name, state=Visit.State.ON_SITE)
    make_visit(globex, first_name="Ursula", state=Visit.State.ON_SITE)
    tower_desk.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    response = tower_desk.get("/desk/evacuation/")
    page = response.content.decode()
    groups = dict(response.context["groups"])
    head = page[page.index('<div class="desk-head">') : page.index('<div class="desk-head-actions')]
    assert "Liste d'évacuation" in head  # the title is printed (not in .no-print)
    assert "Tower" in head  # the building
    now = response.context["now"]
    with translation.override("fr"):
        printed = formats.date_format(timezone.localtime(now), "DATE_FORMAT")
    assert f"Imprimée le {printed} à {timezone.localtime(now):%H:%M}" in head
    totals = page[page.index('class="card evacuation-totals"') : page.index("data-rollcall-status")]
    for company, people in groups.items():
        assert f'<tr><td>{company}</td><td class="num">{len(people)}</td></tr>' in totals
    assert f'<td class="num"><strong>{response.context["total"]}</strong></td>' in totals
