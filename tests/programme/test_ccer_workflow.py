"""The CCER library's workflow: allowed and forbidden stage changes (one table), the dates and
events they leave, registration creating or linking the ledger's CCER project, the reductions'
checks (issued only once registered, never above the year's estimate)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from allowances.models import CCERProject
from programme import ccer_rules as rules
from programme.models import CCERLibraryProject, CCERReduction
from programme.services import ccer as svc
from zhongwei_carbon import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(bureau_admin, enterprise_a):
    return svc.project_create(actor=bureau_admin, data={
        "name": "沙坡头光伏项目", "owner_enterprise": enterprise_a, "area": enterprise_a.area,
        "project_type": "solar", "capacity": D("100"), "capacity_unit": "MW",
    })


def move(project, actor, stage, on, **kw):
    return svc.project_move(actor=actor, project=project, to_stage=stage, on=on, **kw)


def registered(project, actor, code="CCER-2025-0001"):
    move(project, actor, "design", date(2025, 1, 10))
    move(project, actor, "validation", date(2025, 3, 1))
    return move(project, actor, "registered", date(2025, 6, 1), registry_code=code)


def test_a_new_project_starts_as_an_idea_with_the_next_number(project, bureau_admin):
    assert project.stage == "idea" and project.code == "ZW-CCER-001"
    assert svc.next_code() == "ZW-CCER-002"
    assert events.for_object(project).get().verb == "ccer.created"


def test_every_transition_of_the_table_and_no_other():
    stages = [*rules.TIMELINE, rules.WITHDRAWN]
    for current in stages:
        for target in stages:
            assert rules.may_move(current, target) == (target in rules.TRANSITIONS[current])
    assert rules.TRANSITIONS[rules.WITHDRAWN] == frozenset()


@pytest.mark.parametrize("target", ["validation", "registered", "issued", "idea", "nonsense"])
def test_a_forbidden_transition_is_a_clear_error_and_changes_nothing(project, bureau_admin,
                                                                      target):
    with pytest.raises(ValidationError) as exc:
        move(project, bureau_admin, target, date(2025, 1, 1))
    assert "to_stage" in exc.value.message_dict
    assert "项目构想" in exc.value.message_dict["to_stage"][0]  # names the current stage
    project.refresh_from_db()
    assert project.stage == "idea" and project.design_on is None
    assert events.for_object(project).count() == 1  # the creation only


def test_stage_changes_stamp_dates_and_record_who_when_note(project, bureau_admin):
    move(project, bureau_admin, "design", date(2025, 1, 10), note="委托编制")
    project.refresh_from_db()
    assert project.stage == "design" and project.design_on == date(2025, 1, 10)
    event = events.for_object(project).filter(verb="ccer.stage").get()
    assert event.actor == bureau_admin and "委托编制" in event.message
    assert event.data["from"] == "idea" and event.data["to"] == "design"


def test_dates_cannot_be_in_the_future_or_before_the_previous_stage(project, bureau_admin):
    with pytest.raises(ValidationError) as exc:
        move(project, bureau_admin, "design", timezone.localdate() + timedelta(days=1))
    assert "on" in exc.value.message_dict
    move(project, bureau_admin, "design", date(2025, 1, 10))
    with pytest.raises(ValidationError) as exc:
        move(project, bureau_admin, "validation", date(2025, 1, 9))
    assert "on" in exc.value.message_dict


def test_failed_validation_goes_back_to_the_design_document(project, bureau_admin):
    move(project, bureau_admin, "design", date(2025, 1, 10))
    move(project, bureau_admin, "validation", date(2025, 3, 1))
    move(project, bureau_admin, "design", date(2025, 4, 1), note="审定未通过")
    project.refresh_from_db()
    assert project.stage == "design" and project.validation_on is None


def test_registration_needs_a_code_and_creates_the_ledger_project(project, bureau_admin):
    move(project, bureau_admin, "design", date(2025, 1, 10))
    move(project, bureau_admin, "validation", date(2025, 3, 1))
    with pytest.raises(ValidationError) as exc:
        move(project, bureau_admin, "registered", date(2025, 6, 1))
    assert "registry_code" in exc.value.message_dict
    assert not CCERProject.objects.exists()
    move(project, bureau_admin, "registered", date(2025, 6, 1), registry_code="CCER-2025-0001",
         inside_national_ets=True)
    project.refresh_from_db()
    linked = project.registered_project
    assert linked.code == "CCER-2025-0001" and linked.name == project.name
    assert linked.inside_national_ets and linked.project_type == "光伏发电"
    assert project.registered_on == date(2025, 6, 1)


def test_registration_links_an_existing_ledger_project(project, bureau_admin):
    existing = CCERProject.objects.create(code="CCER-2024-0001", name="台账中的项目")
    registered(project, bureau_admin, code="CCER-2024-0001")
    project.refresh_from_db()
    assert project.registered_project == existing
    assert CCERProject.objects.count() == 1


def test_a_ledger_project_is_linked_to_one_library_project_only(project, bureau_admin,
                                                                enterprise_a):
    registered(project, bureau_admin, code="CCER-2024-0001")
    other = svc.project_create(actor=bureau_admin, data={
        "name": "另一项目", "owner_name": "某公司", "area": enterprise_a.area,
        "project_type": "wind"})
    with pytest.raises(ValidationError) as exc:
        registered(other, bureau_admin, code="CCER-2024-0001")
    assert "registry_code" in exc.value.message_dict
    other.refresh_from_db()
    assert other.stage == "validation" and other.registered_project is None


def test_issued_reductions_only_once_registered_and_within_the_estimate(project, bureau_admin):
    svc.reduction_set(actor=bureau_admin, project=project, year=2025, expected=D("1000"))
    with pytest.raises(ValidationError) as exc:
        svc.reduction_set(actor=bureau_admin, project=project, year=2025, expected=D("1000"),
                          issued=D("900"))
    assert "登记" in exc.value.message_dict["issued_tco2e"][0]
    registered(project, bureau_admin)
    with pytest.raises(ValidationError) as exc:
        svc.reduction_set(actor=bureau_admin, project=project, year=2025, expected=D("1000"),
                          issued=D("1000.01"))
    assert "issued_tco2e" in exc.value.message_dict
    with pytest.raises(ValidationError):
        svc.reduction_set(actor=bureau_admin, project=project, year=2024, issued=D("5"))
    with pytest.raises(ValidationError):
        svc.reduction_set(actor=bureau_admin, project=project, year=2025, expected=D("-1"))
    assert CCERReduction.objects.get().issued_tco2e is None  # nothing changed
    svc.reduction_set(actor=bureau_admin, project=project, year=2025, expected=D("1000"),
                      issued=D("950.5"))
    assert CCERReduction.objects.get().issued_tco2e == D("950.50")


def test_the_issuance_stage_needs_issued_reductions(project, bureau_admin):
    registered(project, bureau_admin)
    with pytest.raises(ValidationError) as exc:
        move(project, bureau_admin, "issued", date(2025, 7, 1))
    assert "to_stage" in exc.value.message_dict
    svc.reduction_set(actor=bureau_admin, project=project, year=2025, expected=D("10"),
                      issued=D("8"))
    move(project, bureau_admin, "issued", date(2025, 7, 1))
    with pytest.raises(ValidationError):  # the last issued year cannot be emptied
        svc.reduction_set(actor=bureau_admin, project=project, year=2025, expected=D("10"))
    assert CCERReduction.objects.get().issued_tco2e == D("8")


def test_withdrawal_closes_the_project(project, bureau_admin):
    move(project, bureau_admin, "withdrawn", date(2025, 2, 1), note="业主放弃")
    project.refresh_from_db()
    assert project.stage == "withdrawn" and project.stage_before_withdrawal == "idea"
    with pytest.raises(ValidationError):
        move(project, bureau_admin, "design", date(2025, 3, 1))
    with pytest.raises(ValidationError):
        svc.project_update(actor=bureau_admin, project=project, data={"name": "改名"})
    assert CCERLibraryProject.objects.get().name == "沙坡头光伏项目"


def test_an_owner_is_required_and_an_official_proposes_in_his_area_only(
        bureau_admin, official_a, area_a, area_b):
    with pytest.raises(ValidationError) as exc:
        svc.project_create(actor=bureau_admin, data={"name": "无业主", "area": area_a,
                                                     "project_type": "wind"})
    assert "owner_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        svc.project_create(actor=official_a, data={"name": "别区项目", "owner_name": "某公司",
                                                   "area": area_b, "project_type": "wind"})
    assert "area" in exc.value.message_dict
    mine = svc.project_create(actor=official_a, data={"name": "本区项目", "owner_name": "某公司",
                                                      "area": area_a, "project_type": "wind"})
    assert mine.stage == "idea"
    assert CCERLibraryProject.objects.count() == 1


def test_the_confirmation_check_writes_nothing(project, bureau_admin):
    svc.project_move_check(actor=bureau_admin, project=project, to_stage="design",
                           on=date(2025, 1, 10))
    project.refresh_from_db()
    assert project.stage == "idea" and events.for_object(project).count() == 1
