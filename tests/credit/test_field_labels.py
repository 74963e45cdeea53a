"""Every field of the credit records has a Chinese label: the change history under each
credit page prints these labels (it once showed "frozen by", "published by"); this keeps any new field from slipping."""

import pytest
from django.apps import apps
from django.utils import translation

# ObjectionBase (zhongwei_carbon) is shared with reporting and allowances: its unlabelled
# user fields are fixed there, with their migrations, not here
SHARED = {("creditobjection", "filed_by"), ("creditobjection", "decided_by")}
# set once when an event is recorded, never edited, never shown as a change
INTERNAL = {"id", "source_type", "source_id", "key"}


def test_every_credit_field_label_is_chinese():
    untranslated = []
    with translation.override("zh-hans"):
        for model in apps.get_app_config("credit").get_models():
            if model._meta.model_name.startswith("historical"):  # copies of the same fields
                continue
            for field in model._meta.concrete_fields:
                if field.name in INTERNAL or (model._meta.model_name, field.name) in SHARED:
                    continue
                label = str(field.verbose_name)
                if label.isascii():
                    untranslated.append(f"{model._meta.model_name}.{field.name}: {label}")
    assert untranslated == []


@pytest.mark.parametrize("model, field, label", [
    ("CreditYear", "frozen_by", "冻结人"), ("CreditYear", "published_by", "发布人"),
    ("RuleSet", "published_by", "发布人"), ("RepairApplication", "filed_by", "申请人"),
])
def test_the_people_on_a_credit_record_are_named_in_chinese(model, field, label):
    with translation.override("zh-hans"):
        assert str(apps.get_model("credit", model)._meta.get_field(field).verbose_name) == label
