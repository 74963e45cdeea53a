"""Score cards explain every point; each party sees only its own; the bureau's list of the
year's live scores is filtered, exported and read in constant queries; what-if writes nothing."""

import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from credit import rules
from credit.choices import EventKind as K
from credit.choices import EventOrigin, Grade, SubjectKind
from credit.models import CreditEvent
from credit.services import rulesets as services
from tests import factories as f
from tests.credit.rule_helpers import default_draft, event, published

pytestmark = pytest.mark.django_db


def _card_url(subject, year=2025):
    kind = "agency" if subject._meta.label == "verifiers.Agency" else "enterprise"
    return reverse("credit:card", kwargs={"kind": kind, "pk": subject.pk, "year": year})


@pytest.fixture
def scored(bureau_admin, enterprise_a):
    published(bureau_admin)
    e = enterprise_a
    made = {
        "late": event(e, K.REPORT_LATE, day=1),
        "small": event(e, K.VERIFIED_DEVIATION, day=2, measure="3"),
        "large": event(e, K.VERIFIED_DEVIATION, day=3, measure="8"),
        "r1": event(e, K.REPORT_RETURNED, day=4),
        "r2": event(e, K.REPORT_RETURNED, day=5),
        "r3": event(e, K.REPORT_RETURNED, day=6),
        "art22": event(e, K.VIOLATION_ART22, day=7),
        "unpriced": event(e, K.VIOLATION_ART23, day=8),
        "old": event(e, K.REPORT_MISSING, year=2024, day=9),
        "repaired": event(e, K.SURRENDER_LATE, year=2024, day=10, repaired_from_year=2025),
    }
    for day in range(11, 22):
        event(e, K.LEDGER_MISSING, day=day)
    return made


def test_the_card_explains_every_event_the_caps_the_veto_and_the_grade(
        client_as, bureau_admin, scored):
    response = client_as(bureau_admin).get(_card_url(scored["late"].enterprise))
    assert response.status_code == 200
    card = response.context["card"]
    outcome = {line.event_id: line.outcome for line in card.lines}
    assert outcome[scored["late"].pk] == rules.PRICED
    assert outcome[scored["small"].pk] == rules.BELOW_THRESHOLD
    assert outcome[scored["large"].pk] == rules.PRICED
    assert [outcome[scored[k].pk] for k in ("r1", "r2", "r3")] == [
        rules.BEFORE_OCCURRENCE, rules.BEFORE_OCCURRENCE, rules.PRICED]
    assert outcome[scored["unpriced"].pk] == rules.NOT_PRICED
    assert outcome[scored["old"].pk] == rules.EXPIRED
    assert outcome[scored["repaired"].pk] == rules.REPAIRED
    groups = {g.group: g for g in card.groups}
    # 11 missing ledgers × −3, a deviation −10 and the third return −2: −45, capped at −30
    assert groups["data_quality"].raw == D("-45") and groups["data_quality"].counted == D("-30")
    assert groups["data_quality"].capped
    assert card.vetoes == (K.VIOLATION_ART22,)
    assert card.score == D("25") and card.grade == Grade.RED
    html = response.content.decode()
    for line in response.context["lines"]:
        assert escape(str(line["outcome"])) in html
    assert "P-2025" in html and "测试文号〔2025〕1号" in html
    assert "-45" in html and "-30" in html


def test_an_event_links_to_its_source_record_by_name(client_as, bureau_admin, enterprise_a):
    from django.contrib.contenttypes.models import ContentType

    from oversight.models import InspectionPlan

    published(bureau_admin)
    plan = InspectionPlan.objects.create(
        year=2025, title="2025年双随机抽查计划", targets="enterprises", legal_basis="第三十一条",
        start_date=date(2025, 3, 1), end_date=date(2025, 6, 30), created_by=bureau_admin)
    event(enterprise_a, K.RECTIFICATION_OVERDUE,
          source_type=ContentType.objects.get_for_model(plan), source_id=str(plan.pk))
    event(enterprise_a, K.REPORT_LATE, day=2,
          source_type=ContentType.objects.get_for_model(enterprise_a),
          source_id=str(enterprise_a.pk))
    html = client_as(bureau_admin).get(_card_url(enterprise_a)).content.decode()
    assert f'href="{plan.get_absolute_url()}"' in html and "2025年双随机抽查计划" in html
    assert enterprise_a.name in html  # a source without a page of its own: its name


def test_the_card_of_a_year_without_a_published_set_says_so(client_as, bureau_admin, enterprise_a):
    response = client_as(bureau_admin).get(_card_url(enterprise_a))
    assert response.status_code == 200 and response.context["rs"] is None
    assert "card" not in response.context


@pytest.mark.parametrize("persona, subject, expected", [
    ("official_a", "enterprise_a", 200), ("official_b", "enterprise_a", 404),
    ("ent_a", "enterprise_a", 200), ("ent_b", "enterprise_a", 404),
    ("agency_a_staff", "enterprise_a", 404),
    ("agency_a_staff", "agency_a", 200), ("agency_b_staff", "agency_a", 404),
    ("ent_a", "agency_a", 404), ("official_a", "agency_a", 404),
    ("bureau_reviewer", "agency_a", 200),
])
def test_each_party_sees_only_its_own_card(request, client_as, bureau_admin, persona, subject,
                                           expected):
    published(bureau_admin)
    target = request.getfixturevalue(subject)
    user = request.getfixturevalue(persona)
    assert client_as(user).get(_card_url(target)).status_code == expected


def test_an_unknown_subject_kind_is_not_found(client_as, bureau_admin):
    url = reverse("credit:card", kwargs={"kind": "person", "pk": 1, "year": 2025})
    assert client_as(bureau_admin).get(url).status_code == 404


def _subjects(n, area):
    from registry.models import Enterprise

    ents = Enterprise.objects.bulk_create(
        Enterprise(uscc=f.next_uscc(), name=f"批量企业{i:04d}", area=area, sector=f.sector())
        for i in range(n))
    CreditEvent.objects.bulk_create(
        CreditEvent(subject_kind=SubjectKind.ENTERPRISE, enterprise=e, year=2025,
                    occurred_on=date(2025, 5, 1), kind=K.REPORT_LATE if i % 2 else K.VIOLATION_ART22,
                    summary="批量", origin=EventOrigin.AUTOMATIC)
        for i, e in enumerate(ents))
    return ents


def test_the_live_scores_list_takes_constant_queries(client_as, bureau_admin, area_a):
    published(bureau_admin)
    client = client_as(bureau_admin)
    url = reverse("credit:score_list") + "?year=2025"
    client.get(url)  # warm the session and caches
    counts = []
    for n in (40, 360):  # 40, then 400 subjects
        _subjects(n, area_a)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.context["total"] == 400
    assert counts[0] == counts[1], counts


def test_the_live_scores_are_filtered_and_exported(client_as, bureau_admin, enterprise_a,
                                                   enterprise_b, agency_a):
    from openpyxl import load_workbook

    published(bureau_admin)
    event(enterprise_a, K.VIOLATION_ART22)
    event(enterprise_b, K.REPORT_LATE)
    event(agency_a, K.AGENCY_SUSPENDED)
    client = client_as(bureau_admin)
    url = reverse("credit:score_list")

    def names(**params):
        rows = client.get(url, {"year": 2025, **params}).context["page_obj"].object_list
        return {r.subject.name for r in rows}

    assert names() >= {enterprise_a.name, enterprise_b.name, agency_a.name}
    assert names(grade="red") == {enterprise_a.name, agency_a.name}
    assert names(kind="agency") == {agency_a.name}
    assert names(area=enterprise_b.area_id) == {enterprise_b.name}
    assert names(q=enterprise_b.uscc) == {enterprise_b.name}
    assert names(grade="bogus", kind="x", area="²") >= {enterprise_a.name}
    response = client.get(reverse("credit:score_export"), {"year": 2025, "grade": "red"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 3


@pytest.mark.parametrize("persona", ["official_a", "ent_a", "agency_a_staff"])
def test_the_live_scores_are_the_bureaus(client_as, request, persona):
    user = request.getfixturevalue(persona)
    assert client_as(user).get(reverse("credit:score_list")).status_code == 403
    assert client_as(user).get(reverse("credit:score_export")).status_code == 403


def _row_counts():
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in ("credit", "core", "zhongwei_carbon")}


def test_what_if_shows_who_moves_and_writes_nothing(client_as, bureau_admin, enterprise_a,
                                                    enterprise_b, agency_a):
    from openpyxl import load_workbook

    published(bureau_admin)
    event(enterprise_a, K.REPORT_MISSING)  # −15: 85, blue
    event(enterprise_b, K.REPORT_LATE)  # −5: 95, green
    draft = services.create_rule_set(actor=bureau_admin, version="harsh", effective_year=2026,
                                     title="更严", copy_from=default_draft())
    line = draft.lines.get(subject_kind="enterprise", kind=K.REPORT_MISSING)
    rows = [{f: getattr(x, f) for f in services.LINE_FIELDS} for x in draft.lines.all()]
    for row in rows:
        if row["subject_kind"] == "enterprise" and row["kind"] == line.kind:
            row["points"] = D("-30")
    services.save_draft(actor=bureau_admin, rule_set=draft, header={}, lines=rows,
                        caps=[{f: getattr(c, f) for f in services.CAP_FIELDS}
                              for c in draft.caps.all()])
    before = _row_counts()
    client = client_as(bureau_admin)
    response = client.get(reverse("credit:rule_set_what_if", args=[draft.pk]), {"year": 2025})
    assert response.status_code == 200
    w = response.context["w"]
    moved = {m.subject.name: m for m in w.moves}
    assert set(moved) == {enterprise_a.name}
    assert (moved[enterprise_a.name].from_grade, moved[enterprise_a.name].after.grade) == (
        Grade.BLUE, Grade.YELLOW)
    assert moved[enterprise_a.name].change == D("-15")
    assert w.transitions == [(Grade.BLUE, Grade.YELLOW, 1)]
    export = client.get(reverse("credit:rule_set_what_if_export", args=[draft.pk]),
                        {"year": 2025})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 2
    assert _row_counts() == before


def test_what_if_without_a_set_in_force_shows_everyone_as_new(client_as, bureau_admin,
                                                              enterprise_a):
    event(enterprise_a, K.REPORT_LATE)
    response = client_as(bureau_admin).get(
        reverse("credit:rule_set_what_if", args=[default_draft().pk]), {"year": "2025"})
    w = response.context["w"]
    assert w.in_force is None and w.transitions[0][0] == "" and w.moves


@pytest.mark.parametrize("persona", ["official_a", "ent_a", "agency_a_staff"])
def test_what_if_is_the_bureaus(client_as, request, persona):
    user = request.getfixturevalue(persona)
    url = reverse("credit:rule_set_what_if", args=[default_draft().pk])
    assert client_as(user).get(url).status_code == 403


def test_a_frozen_grade_is_named_above_the_live_card(client_as, bureau_admin, enterprise_a):
    from django.utils import timezone

    from credit.models import CreditYear, SubjectGrade

    rs = published(bureau_admin)
    event(enterprise_a, K.REPORT_LATE)
    year = CreditYear.objects.create(year=2025, rule_set=rs, status="provisional",
                                     frozen_at=timezone.now(), objections_until=date(2026, 4, 1))
    SubjectGrade.objects.create(credit_year=year, subject_kind=SubjectKind.ENTERPRISE,
                                enterprise=enterprise_a, score=D("90"), grade=Grade.GREEN,
                                notified_grade=Grade.GREEN)
    response = client_as(bureau_admin).get(_card_url(enterprise_a) + "?live=1")
    assert response.context["frozen"].score == D("90")
    assert response.context["card"].score == D("95")  # the live card, after a later event
    assert "90.0" in response.content.decode()


def test_a_frozen_years_card_is_the_stored_one_and_live_on_request(client_as, bureau_admin,
                                                                    enterprise_a):
    from credit.services import grading

    published(bureau_admin)
    event(enterprise_a, K.REPORT_LATE, day=1)
    year = grading.open_year(actor=bureau_admin, year=2025)
    grading.freeze(actor=bureau_admin, credit_year=year)
    event(enterprise_a, K.REPORT_MISSING, day=2)  # arrives after the freeze
    client = client_as(bureau_admin)
    frozen = client.get(_card_url(enterprise_a)).context
    live = client.get(_card_url(enterprise_a) + "?live=1").context
    assert not frozen["live"] and live["live"]
    assert [line.kind for line in frozen["card"].lines] == [K.REPORT_LATE]
    assert [line.kind for line in live["card"].lines] == [K.REPORT_LATE, K.REPORT_MISSING]
    assert frozen["card"].score == frozen["frozen"].score > live["card"].score
