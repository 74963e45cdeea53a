"""Review fixes: the shared role-and-scope check and the form-error helper."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from reporting.services import ledgers, workflow
from reporting.services.access import holds_role_for
from tests import factories as f
from zhongwei_carbon import web
from zhongwei_carbon.roles import Perm, Role

pytestmark = pytest.mark.django_db


def test_one_scope_check_for_reports_and_ledgers(enterprise_a, enterprise_b, ent_a, official_a,
                                                 agency_a_staff, agency_a):
    assert holds_role_for(ent_a, {Role.ENTERPRISE_USER}, enterprise=enterprise_a)
    assert not holds_role_for(ent_a, {Role.ENTERPRISE_USER}, enterprise=enterprise_b)
    assert holds_role_for(official_a, {Role.AREA_OFFICIAL}, enterprise=enterprise_a)
    assert not holds_role_for(official_a, {Role.AREA_OFFICIAL}, enterprise=enterprise_b)
    assert not holds_role_for(agency_a_staff, {Role.AGENCY_STAFF}, enterprise=enterprise_a)
    assert holds_role_for(agency_a_staff, {Role.AGENCY_STAFF}, enterprise=enterprise_a,
                          agency_id=agency_a.pk)
    assert ledgers.actor_may(ent_a, enterprise_a, Perm.EDIT_LEDGER)
    assert not ledgers.actor_may(ent_a, enterprise_b, Perm.EDIT_LEDGER)
    report_b = f.report_draft(enterprise_b, f.make_member("ent_b_clerk", Role.ENTERPRISE_USER,
                                                        enterprise=enterprise_b))
    assert workflow.actor_may(ent_a, f.report_draft(enterprise_a, ent_a), {Role.ENTERPRISE_USER})
    assert not workflow.actor_may(ent_a, report_b, {Role.ENTERPRISE_USER})
    assert not workflow.actor_may(official_a, report_b, {Role.AREA_OFFICIAL})


class _Form(forms.Form):
    year = forms.IntegerField()
    p_clinker = forms.DecimalField()


def test_apply_errors_fields_aliases_and_non_field():
    form = _Form(data={"year": "1", "p_clinker": "1"})
    assert form.is_valid()
    web.apply_errors(form, ValidationError({"year": "bad year", "other": "elsewhere"}))
    web.apply_errors(form, ValidationError({"parameters": "bad"}), aliases={"parameters": "p_clinker"})
    web.apply_errors(form, ValidationError("plain"))
    assert form.errors["year"] == ["bad year"]
    assert form.errors["p_clinker"] == ["bad"]
    assert form.non_field_errors() == ["elsewhere", "plain"]
