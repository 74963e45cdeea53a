"""Issue 14, use of grades: the workbook for the partner departments (development-reform,
market regulation, the PBOC branch) of a year's published final grades — bureau admins only,
final years only, every download logged."""

import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from credit.choices import EventKind, Grade, GradingStatus, SubjectKind
from credit.models import CreditEvent
from tests.conftest import client_for
from tests.credit.grades import DOC, RULES_DOC, credit_year, grade
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db
URL = reverse("credit:partners_export")


def get(user, query=""):
    with translation.override("zh-hans"):
        return client_for(user).get(URL + query)


def _card(event, points="-20.0"):
    return {"lines": [
        {"event_id": event.pk, "kind": event.kind, "year": event.year,
         "occurred_on": event.occurred_on.isoformat(), "summary": event.summary,
         "outcome": "priced", "points": points, "group": "compliance", "veto": False,
         "basis": ""},
        {"event_id": 0, "kind": EventKind.SURRENDER_ON_TIME, "year": event.year,
         "occurred_on": "2024-12-31", "summary": "按时足额清缴", "outcome": "priced",
         "points": "5.0", "group": "compliance", "veto": False, "basis": ""},
    ], "vetoes": [], "grade": "red"}


def _published(enterprise_a, agency_a, bureau_admin):
    cy = credit_year(2024)
    source = cy  # any record with a page: the event's source is linked by content type
    event = CreditEvent.objects.create(
        subject_kind=SubjectKind.ENTERPRISE, enterprise=enterprise_a, year=2024,
        occurred_on=date(2025, 1, 5), kind=EventKind.SURRENDER_SHORT, summary="清缴不足 1,200 吨",
        source_type=ContentType.objects.get_for_model(source), source_id=str(source.pk),
    )
    grade(cy, enterprise_a, Grade.RED, D("55.0"), card=_card(event))
    grade(cy, agency_a, Grade.GREEN, D("98.0"))
    return cy


def test_wrong_roles_are_refused(bureau_reviewer, official_a, ent_a, agency_a_staff):
    for user in (bureau_reviewer, official_a, ent_a, agency_a_staff):
        assert get(user).status_code == 403, user
    assert get(None).status_code == 302  # to the login page
    assert not Event.objects.filter(verb="credit.partners_exported").exists()


def test_empty_state_before_any_final_year(bureau_admin, enterprise_a):
    grade(credit_year(2025, GradingStatus.PROVISIONAL), enterprise_a, Grade.RED)
    response = get(bureau_admin)
    assert response.status_code == 200 and 'id="partners-empty"' in response.content.decode()
    # a year that is not final is not shared
    assert get(bureau_admin, "?year=2025").status_code == 404
    assert get(bureau_admin, "?year=abc").status_code == 404
    assert not Event.objects.filter(verb="credit.partners_exported").exists()


def test_the_workbook_has_what_the_partners_need_and_is_logged(bureau_admin, enterprise_a,
                                                               agency_a):
    cy = _published(enterprise_a, agency_a, bureau_admin)
    response = get(bureau_admin, "?year=2024")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}
    about, ents, agencies, events = (sheets[t] for t in book.sheetnames)
    header, row = ents[0], ents[1]
    assert header[:4] == ["统一社会信用代码", "名称", "区域", "行业"]
    assert row[0] == enterprise_a.uscc and row[1] == enterprise_a.name
    assert row[2] == str(enterprise_a.area) and row[3] == str(enterprise_a.sector)
    assert row[4] == 2024 and "环保不良" in row[5] and row[6] == 55
    assert "2025-01-05" in row[8] and "-20" in row[8]  # the event that cost points, dated
    assert "5.0" not in row[8]  # a merit did not cost points
    assert row[9:] == [cy.rule_set.version, RULES_DOC, DOC]
    assert agencies[1][0] == agency_a.uscc and "环保诚信" in agencies[1][3]
    assert len(events) == 2 and events[1][0] == enterprise_a.uscc
    assert events[1][3] == "2025-01-05" and events[1][7]  # its source is named
    assert any(DOC in str(cell) for r in about for cell in r)
    logged = Event.objects.get(verb="credit.partners_exported")
    assert logged.actor == bureau_admin and logged.target_id == str(cy.pk)
    assert logged.data == {"year": 2024, "enterprises": 1, "agencies": 1, "deductions": 1}


def test_without_year_the_latest_final_year_is_exported(bureau_admin, enterprise_a, agency_a):
    _published(enterprise_a, agency_a, bureau_admin)
    credit_year(2025, GradingStatus.PROVISIONAL)
    response = get(bureau_admin)
    assert response.status_code == 200
    assert "2024" in response["Content-Disposition"]
    assert Event.objects.get(verb="credit.partners_exported").data["year"] == 2024


def test_a_vetoed_grade_names_its_veto_in_chinese(bureau_admin, enterprise_a, agency_a):
    """A red grade by a one-vote veto (as in the demo) once broke the download with a 500."""
    cy = _published(enterprise_a, agency_a, bureau_admin)
    vetoed = cy.grades.get(enterprise=enterprise_a)
    vetoed.card = {**vetoed.card, "vetoes": [EventKind.ART24_NOT_CORRECTED]}
    vetoed.veto_kind = EventKind.ART24_NOT_CORRECTED
    vetoed.save()
    response = get(bureau_admin, "?year=2024")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    ents = [list(r) for r in book[book.sheetnames[1]].iter_rows(values_only=True)]
    with translation.override("zh-hans"):
        label = str(dict(EventKind.choices)[EventKind.ART24_NOT_CORRECTED])
    assert ents[1][7] == label and label.isascii() is False


def test_sheet_titles_and_headers_are_the_credit_words_not_the_complaint_ones(
        bureau_admin, enterprise_a, agency_a):
    """"About" and "What happened" are also complaint words (投诉对象类型, 投诉举报内容):
    the partner workbook must say 说明 and 事件经过, and name who exported it."""
    _published(enterprise_a, agency_a, bureau_admin)
    response = get(bureau_admin, "?year=2024")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames[0] == "说明"
    events = [list(r) for r in book[book.sheetnames[3]].iter_rows(values_only=True)]
    assert events[0][6] == "事件经过"
    about = [list(r) for r in book["说明"].iter_rows(values_only=True)]
    exported_by = next(r[1] for r in about if r[0] == "导出人")
    assert exported_by == (bureau_admin.full_name or bureau_admin.username)
    assert "投诉" not in " ".join(str(c) for r in about + events[:1] for c in r if c)
