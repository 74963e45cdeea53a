"""The CCER library's pages and API: who sees which projects (an official of another area
404, an enterprise its own only, a liaison through his unit's grant or 403), the list's
filters and export, the stage change with its confirmation, the detail's ledger units, and
the public list (registered projects only)."""

import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from allowances.choices import EntryKind, UnitType
from allowances.services import ledger
from programme.models import CCERLibraryProject
from programme.services import ccer as svc
from tests import factories as f

pytestmark = pytest.mark.django_db


def _project(actor, name, area, *, owner=None, owner_name="", kind="solar"):
    return svc.project_create(actor=actor, data={
        "name": name, "owner_enterprise": owner, "owner_name": owner_name, "area": area,
        "project_type": kind})


def _register(project, actor, code):
    for stage, on in (("design", date(2025, 1, 1)), ("validation", date(2025, 2, 1))):
        svc.project_move(actor=actor, project=project, to_stage=stage, on=on)
    return svc.project_move(actor=actor, project=project, to_stage="registered",
                            on=date(2025, 3, 1), registry_code=code)


@pytest.fixture
def library(bureau_admin, enterprise_a, enterprise_b):
    a = _project(bureau_admin, "甲区光伏", enterprise_a.area, owner=enterprise_a)
    b = _project(bureau_admin, "乙区风电", enterprise_b.area, owner=enterprise_b, kind="wind")
    c = _project(bureau_admin, "乙区林业碳汇", enterprise_b.area, owner_name="林场",
                 kind="forestry_sink")
    c = _register(c, bureau_admin, "CCER-2025-0009")
    return {"a": a, "b": b, "c": c}


def _names(client, url=None, **params):
    r = client.get(url or reverse("programme:ccer_list"), params)
    assert r.status_code == 200
    return {p.name for p in r.context["page_obj"]}


def test_each_role_sees_its_scope(client_as, library, bureau_reviewer, official_a, official_b,
                                  ent_a, ent_b):
    assert _names(client_as(bureau_reviewer)) == {"甲区光伏", "乙区风电", "乙区林业碳汇"}
    assert _names(client_as(official_a)) == {"甲区光伏"}
    assert _names(client_as(official_b)) == {"乙区风电", "乙区林业碳汇"}
    assert _names(client_as(ent_a)) == {"甲区光伏"}
    assert _names(client_as(ent_b)) == {"乙区风电"}  # its own; not the registered sink


def test_an_official_of_another_area_and_another_enterprise_get_404(client_as, library,
                                                                   official_b, ent_b):
    url = reverse("programme:ccer_detail", args=[library["a"].pk])
    assert client_as(official_b).get(url).status_code == 404
    assert client_as(ent_b).get(url).status_code == 404


def test_a_liaison_reads_the_library_only_through_his_units_grant(client_as, library,
                                                                  liaison_a, department_a,
                                                                  bureau_admin):
    url = reverse("programme:ccer_list")
    api = reverse("api:ccer-project-list")
    assert client_as(liaison_a).get(url).status_code == 403
    assert client_as(liaison_a).get(api).status_code == 403
    f.grant(department_a, "ccer_library", by=bureau_admin)
    liaison_a.refresh_from_db()
    assert len(_names(client_as(liaison_a))) == 3
    assert client_as(liaison_a).get(api).json()["count"] == 3
    detail = reverse("programme:ccer_detail", args=[library["a"].pk])
    assert client_as(liaison_a).get(detail).status_code == 200
    assert client_as(liaison_a).get(reverse("programme:ccer_create")).status_code == 403


def test_filters_search_and_export(client_as, library, bureau_admin):
    client = client_as(bureau_admin)
    assert _names(client, project_type="wind") == {"乙区风电"}
    assert _names(client, stage="registered") == {"乙区林业碳汇"}
    assert _names(client, area=library["a"].area_id) == {"甲区光伏"}
    assert _names(client, q="林场") == {"乙区林业碳汇"}
    assert _names(client, q="CCER-2025-0009") == {"乙区林业碳汇"}
    r = client.get(reverse("programme:ccer_export"), {"project_type": "wind"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.values)
    assert len(rows) == 2 and rows[1][1] == "乙区风电" and rows[1][3] == str(library["b"].area)


def test_the_api_is_scoped_and_read_only(client_as, library, official_a):
    client = client_as(official_a)
    rows = client.get(reverse("api:ccer-project-list")).json()["results"]
    assert [r["name"] for r in rows] == ["甲区光伏"]
    other = reverse("api:ccer-project-detail", args=[library["b"].pk])
    assert client.get(other).status_code == 404
    assert client.post(reverse("api:ccer-project-list"), {}).status_code in (403, 405)


def test_the_public_list_shows_registered_projects_only(client, library):
    r = client.get(reverse("programme_public:ccer_list"))
    assert r.status_code == 200
    assert {p.name for p in r.context["page_obj"]} == {"乙区林业碳汇"}
    assert "甲区光伏" not in r.content.decode()
    assert client.get(reverse("programme_public:ccer_list"), {"q": "光伏"}).context[
        "page_obj"].paginator.count == 0


def test_an_official_proposes_an_idea_of_his_area(client_as, official_a, area_a, area_b):
    client = client_as(official_a)
    url = reverse("programme:ccer_create")
    data = {"name": "新提议", "owner_name": "某公司", "project_type": "hydrogen"}
    r = client.post(url, {**data, "area": area_b.pk})
    assert r.status_code == 200 and not CCERLibraryProject.objects.exists()
    r = client.post(url, {**data, "area": area_a.pk})
    project = CCERLibraryProject.objects.get()
    assert r.status_code == 302 and project.stage == "idea" and project.created_by == official_a
    stage = reverse("programme:ccer_stage", args=[project.pk])
    assert client.get(stage).status_code == 403


def test_the_stage_change_is_confirmed_after_checking(client_as, library, bureau_admin):
    project = library["a"]
    url = reverse("programme:ccer_stage", args=[project.pk])
    client = client_as(bureau_admin)
    fields = {"to_stage": "design", "on": "2025-01-05", "note": "开始编制"}
    r = client.post(url, fields)
    assert r.status_code == 200 and b"confirm-step" in r.content
    project.refresh_from_db()
    assert project.stage == "idea"
    r = client.post(url, {**fields, "step": "confirm"})
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.stage == "design" and project.design_on == date(2025, 1, 5)
    r = client.post(url, {"to_stage": "issued", "on": "2025-01-06"})  # not a choice now
    assert r.status_code == 200 and b"confirm-step" not in r.content


def test_the_detail_shows_the_registered_projects_units_in_the_ledger(
        client_as, library, bureau_admin, enterprise_b, ent_a):
    project = library["c"]
    svc.reduction_set(actor=bureau_admin, project=project, year=2025, expected=D("500"),
                      issued=D("400"))
    account = ledger.account_for(enterprise_b)
    ledger.post(actor=bureau_admin, movements=[ledger.Movement(
        account, UnitType.CCER, 2025, 300, EntryKind.TRANSFER_IN, project.registered_project,
        serial_start=1, serial_end=300)])
    r = client_as(bureau_admin).get(reverse("programme:ccer_detail", args=[project.pk]))
    assert r.status_code == 200
    assert r.context["units"].held == 300 and r.context["units"].surrendered == 0
    page = r.content.decode()
    assert "ccer-timeline" in page and "400" in page
    # an enterprise sees the units of its own account only (none here), never the city's
    assert client_as(ent_a).get(reverse("programme:ccer_detail", args=[project.pk])
                                ).status_code == 404
