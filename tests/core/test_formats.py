from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def test_chinese_pages_group_tonnes_by_thousands_and_leave_years_alone():
    template = Template('{{ t|floatformat:"2g" }} {{ year }}')
    with translation.override("zh-hans"):
        out = template.render(Context({"t": Decimal("3102750.5"), "year": 2026}))
    assert out == "3,102,750.50 2026"
