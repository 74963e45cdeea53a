"""A number typed in a URL (``?year=``, ``?cycle=``, ``?enterprise=``, ``?line=``, ``?edit=``)
that is not plain ASCII digits is ignored or refused, never a server error: ``"²".isdigit()``
is true but ``int("²")`` fails (``zhongwei_carbon.web.whole_number`` reads them all)."""

import pytest

from zhongwei_carbon.web import whole_number

ODD_NUMBERS = ["²", "٣", "1" * 30, "-1", "2025.5", "１２"]

PAGES = [
    "/public/disclosure/?year={v}",
    "/reporting/reports/?year={v}&enterprise={v}",
    "/allowances/compliance/?cycle={v}&enterprise={v}",
    "/allowances/compliance/?area={v}&sector={v}",
    "/allowances/compliance/export/?area={v}&sector={v}",
    "/reporting/ledgers/?year={v}&area={v}&sector={v}&month={v}&tier=upload&timeliness=late",
    "/complaints/?month={v}&since={v}&area={v}",
    "/allowances/surrenders/?cycle={v}&enterprise={v}",
    "/allowances/allocations/?cycle={v}",
    "/allowances/penalties/?cycle={v}&enterprise={v}",
    "/allowances/penalties/open/?cycle={v}&enterprise={v}",
    "/allowances/prices/?edit={v}",
    "/allowances/parameters/?year={v}",
    "/allowances/transfers/new/?line={v}",
    "/api/v1/compliance/?cycle={v}",
    "/api/v1/allocations/?cycle={v}",
    "/oversight/performance/?year={v}",
    "/oversight/performance/export/?year={v}",
    "/api/v1/agency-performance/?year={v}",
]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_odd_numbers_in_urls_are_not_server_errors(value, client_as, bureau_admin, enterprise_a):
    from allowances.models import AllowanceAccount, ComplianceCycle

    ComplianceCycle.objects.create(year=2025, name="2025")
    account = AllowanceAccount.objects.create(enterprise=enterprise_a)
    client = client_as(bureau_admin)
    for page in [*PAGES, f"/allowances/accounts/{account.pk}/?cycle={{v}}"]:
        response = client.get(page.format(v=value))
        assert response.status_code < 500, (page, value, response.status_code)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2025", 2025), ("0", 0), (7, 7), ("", None), (None, None), ("²", None), ("٣", None),
     ("-1", None), ("1.5", None), (" 1", None), ("1" * 19, None), ("1" * 18, int("1" * 18))],
)
def test_whole_number(value, expected):
    assert whole_number(value) == expected
