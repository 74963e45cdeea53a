"""The climate-finance project library's workflow (programme.services.finance): every step of
the one transition table, refusals that change nothing, who may act, the hand-off
notifications, and what each persona sees (a bank liaison only the projects pushed to its
bank)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from programme.models import (
    BankResponse,
    ClimateProject,
    ClimateProjectStatus,
    ReviewDecision,
    ShareKind,
)
from programme.selectors import finance as sel
from programme.services import finance as svc
from tests import factories as f
from zhongwei_carbon.models import Notification, Topic

pytestmark = pytest.mark.django_db
S = ClimateProjectStatus


@pytest.fixture
def world(bureau_admin, ent_a, ent_b, enterprise_a, official_a, official_b, liaison_a,
          liaison_b, department_a, department_b):
    for dep in (department_a, department_b):
        f.grant(dep, "climate_finance", by=bureau_admin)
    return {"admin": bureau_admin, "ent": ent_a, "ent_b": ent_b, "enterprise": enterprise_a,
            "official_a": official_a, "official_b": official_b, "fgw": liaison_a,
            "bank": liaison_b, "dep_a": department_a, "bank_dep": department_b}


def data(enterprise=None, **kw):
    return {"title": "热电机组节能改造", "enterprise": enterprise, "category": "mitigation",
            "subtype": "efficiency", "total_investment": Decimal("1000.00"),
            "financing_need": Decimal("800.00"), "annual_reduction": Decimal("5000.5"),
            "description": "改造内容", **kw}


def drafted(w):
    return svc.climate_project_create(actor=w["ent"], data=data(w["enterprise"]))


def in_library(w):
    p = drafted(w)
    svc.climate_project_submit(actor=w["ent"], project=p)
    svc.climate_project_review(actor=w["admin"], project=p, decision=ReviewDecision.PASS)
    svc.climate_project_review(actor=w["fgw"], project=p, decision=ReviewDecision.PASS)
    p.refresh_from_db()
    return p


def test_full_workflow_with_notifications(world):
    w = world
    p = drafted(w)
    assert p.status == S.DRAFT and p.area == w["enterprise"].area
    svc.climate_project_submit(actor=w["ent"], project=p)
    assert Notification.objects.filter(recipient=w["admin"], todo=True,
                                       topic=Topic.PROGRAMME).exists()
    svc.climate_project_review(actor=w["admin"], project=p, decision=ReviewDecision.PASS)
    p.refresh_from_db()
    assert p.status == S.BUREAU_REVIEWED
    # the bureau's to-do is done; development-reform's liaison has one
    assert not Notification.objects.filter(recipient=w["admin"], todo=True,
                                           resolved_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=w["fgw"], todo=True).exists()
    svc.climate_project_review(actor=w["fgw"], project=p, decision=ReviewDecision.PASS,
                               opinion="同意入库")
    p.refresh_from_db()
    assert p.status == S.IN_LIBRARY
    (share,) = svc.climate_project_push(actor=w["admin"], project=p, banks=[w["bank_dep"]])
    p.refresh_from_db()
    assert p.status == S.PUSHED
    assert Notification.objects.filter(recipient=w["bank"], todo=True).exists()
    svc.climate_share_respond(actor=w["bank"], share=share, response=BankResponse.LOAN_GRANTED,
                              loan_amount=Decimal("600.00"), response_date="2026-05-01")
    share.refresh_from_db()
    assert share.response == BankResponse.LOAN_GRANTED and share.loan_amount == Decimal("600.00")
    # the response reaches the bureau and the proposer
    assert Notification.objects.filter(recipient=w["ent"], key__contains="response").exists()
    assert Notification.objects.filter(recipient=w["admin"], key__contains="response").exists()
    assert [r.stage for r in p.reviews.all()] == ["bureau", "reform"]
    verbs = {e.verb for e in __import__("zhongwei_carbon.events", fromlist=["x"]).for_object(p)}
    assert {"programme.climate_submitted", "programme.climate_pushed",
            "programme.climate_responded"} <= verbs


def test_return_and_resubmit(world):
    w = world
    p = drafted(w)
    svc.climate_project_submit(actor=w["ent"], project=p)
    with pytest.raises(ValidationError) as exc:
        svc.climate_project_review(actor=w["admin"], project=p, decision=ReviewDecision.RETURN)
    assert "opinion" in exc.value.message_dict
    p.refresh_from_db()
    assert p.status == S.SUBMITTED and not p.reviews.exists()
    svc.climate_project_review(actor=w["admin"], project=p, decision=ReviewDecision.RETURN,
                               opinion="补充测算")
    p.refresh_from_db()
    assert p.status == S.RETURNED
    svc.climate_project_update(actor=w["ent"], project=p, data={"title": "改后"})
    svc.climate_project_submit(actor=w["ent"], project=p)
    p.refresh_from_db()
    assert p.status == S.SUBMITTED and p.title == "改后"


def test_reform_may_reject(world):
    w = world
    p = drafted(w)
    svc.climate_project_submit(actor=w["ent"], project=p)
    svc.climate_project_review(actor=w["admin"], project=p, decision=ReviewDecision.PASS)
    svc.climate_project_review(actor=w["fgw"], project=p, decision=ReviewDecision.REJECT,
                               opinion="不符合产业政策")
    p.refresh_from_db()
    assert p.status == S.REJECTED
    with pytest.raises(ValidationError, match="不能进行此操作"):
        svc.climate_project_submit(actor=w["ent"], project=p)


def test_forbidden_transitions_and_actors(world):
    w = world
    p = drafted(w)
    with pytest.raises(ValidationError):  # not submitted yet
        svc.climate_project_review(actor=w["admin"], project=p, decision=ReviewDecision.PASS)
    with pytest.raises(ValidationError):
        svc.climate_project_push(actor=w["admin"], project=p, banks=[w["bank_dep"]])
    svc.climate_project_submit(actor=w["ent"], project=p)
    for actor in (w["ent"], w["fgw"], w["bank"], w["official_a"]):
        with pytest.raises(ValidationError):
            svc.climate_project_review(actor=actor, project=p, decision=ReviewDecision.PASS)
    svc.climate_project_review(actor=w["admin"], project=p, decision=ReviewDecision.PASS)
    # only development-reform's liaison reviews now: not the bureau, not a bank
    for actor in (w["admin"], w["bank"]):
        with pytest.raises(ValidationError):
            svc.climate_project_review(actor=actor, project=p, decision=ReviewDecision.PASS)
    p.refresh_from_db()
    assert p.status == S.BUREAU_REVIEWED and p.reviews.count() == 1
    with pytest.raises(ValidationError, match="可以修改"):
        svc.climate_project_update(actor=w["ent"], project=p, data={"title": "x"})


def test_push_only_to_granted_banks_and_responses_only_by_that_bank(world):
    w = world
    p = in_library(w)
    other_bank = f.department("bank-abc", "农业银行中卫分行", kind="bank")  # no grant
    with pytest.raises(ValidationError):
        svc.climate_project_push(actor=w["admin"], project=p, banks=[other_bank])
    with pytest.raises(ValidationError):
        svc.climate_project_push(actor=w["admin"], project=p, banks=[w["dep_a"]])  # not a bank
    with pytest.raises(ValidationError):
        svc.climate_project_push(actor=w["ent"], project=p, banks=[w["bank_dep"]])
    p.refresh_from_db()
    assert p.status == S.IN_LIBRARY and not p.shares.filter(kind=ShareKind.PUSH).exists()
    (share,) = svc.climate_project_push(actor=w["admin"], project=p, banks=[w["bank_dep"]])
    with pytest.raises(ValidationError, match="已推送给这些银行"):
        svc.climate_project_push(actor=w["admin"], project=p, banks=[w["bank_dep"]])
    for actor in (w["fgw"], w["admin"], w["ent"]):
        with pytest.raises(ValidationError):
            svc.climate_share_respond(actor=actor, share=share, response=BankResponse.DECLINED)
    with pytest.raises(ValidationError) as exc:
        svc.climate_share_respond(actor=w["bank"], share=share,
                                  response=BankResponse.LOAN_GRANTED)
    assert "loan_amount" in exc.value.message_dict
    share.refresh_from_db()
    assert share.response == BankResponse.PENDING


def test_proposers_scope(world):
    w = world
    # an enterprise only for itself, an official only for its area
    with pytest.raises(ValidationError):
        svc.climate_project_create(actor=w["ent_b"], data=data(w["enterprise"]))
    with pytest.raises(ValidationError):
        svc.climate_project_create(actor=w["official_b"],
                                   data=data(None, area=w["enterprise"].area))
    p = svc.climate_project_create(actor=w["official_a"],
                                   data=data(None, area=w["enterprise"].area))
    assert p.enterprise is None
    with pytest.raises(ValidationError):
        svc.climate_project_create(actor=w["admin"], data=data(w["enterprise"]))
    with pytest.raises(ValidationError) as exc:
        svc.climate_project_create(actor=w["ent"], data=data(
            w["enterprise"], financing_need=Decimal("2000")))
    assert "financing_need" in exc.value.message_dict
    assert ClimateProject.objects.count() == 1


def test_attachment_checks(world):
    w = world
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        svc.climate_project_create(actor=w["ent"], data=data(w["enterprise"]), files=[bad])
    assert not ClimateProject.objects.exists()


def test_who_sees_what(world):
    w = world
    pushed = in_library(w)
    svc.climate_project_push(actor=w["admin"], project=pushed, banks=[w["bank_dep"]])
    library = in_library(w)
    draft = drafted(w)
    ids = lambda user: set(sel.projects_for(user).values_list("pk", flat=True))  # noqa: E731
    assert ids(w["admin"]) == {pushed.pk, library.pk, draft.pk}
    assert ids(w["ent"]) == {pushed.pk, library.pk, draft.pk}
    assert ids(w["official_a"]) == {pushed.pk, library.pk, draft.pk}
    assert ids(w["official_b"]) == set() and ids(w["ent_b"]) == set()
    assert ids(w["bank"]) == {pushed.pk}  # only what was pushed to its bank
    assert ids(w["fgw"]) == {pushed.pk, library.pk}  # what it reviewed
    # a revoked grant closes the door
    from registry.services import departments

    grant = w["bank_dep"].grants.get(dataset="climate_finance", revoked_at__isnull=True)
    departments.grant_revoke(actor=w["admin"], grant=grant)
    bank = type(w["bank"]).objects.get(pk=w["bank"].pk)
    assert ids(bank) == set()
