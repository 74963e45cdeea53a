"""Demo monthly ledgers 2025 (used by ``reporting.demo_seed``), entered through the services.

The demo replays a year of work: each step runs through the normal service while the clock
(``django.utils.timezone.now``) is set to the day the step happens, so submission, check and
close dates, the events and the history read like a real year and the late flags, which
compare those dates with the deadlines, show on the months meant to be late.

Figures are invented but of a realistic size: a 330 MW coal unit burns ~68,000 t of raw coal
a month (measured NCV ~20 GJ/t) for ~165,000 MWh; a cement kiln ~8,000 t of coal; a
ferroalloy furnace ~8,000 MWh and ~600 t of coke; heating boilers burn far more in the
heating season (Nov–Mar) than in summer.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from accounts import services as account_services
from accounts.models import User
from registry import demo
from registry.models import Enterprise
from reporting import ledger_rules
from reporting.models import FuelType, MonthlyLedger
from reporting.services import ledgers as ledger_services
from zhongwei_carbon.roles import Role

YEAR = 2025
SHANGHAI = ZoneInfo("Asia/Shanghai")
D = Decimal

# One letter per month, January first:
#   C closed on time, L closed but uploaded late, P closed but checked late by the county,
#   K county-checked (not yet closed), S submitted, R returned with a reason, D draft
#   (saved, not submitted), - missing (no row).
LEDGER_PLAN = {
    "zwrd": "CCCCCCCCCCCC",
    "spt_cement": "CCLCCCCCCCCC",
    "yingshui_alloy": "CCCCCCCCKSD-",
    "znfd": "CCCCCCPCCCCC",
    "shikong_cement": "CCCCCCCCCCRK",
    "zn_heat": "CCCCCCCCCKKS",
}
RETURN_REASONS = [
    "入炉煤低位发热量化验报告未加盖检测单位印章，请补充盖章件后重新上传。",
    "外购电量与供电公司结算单不一致（差 1,200 MWh），请核对后更正。",
    "缺少本月燃料消耗统计台账扫描件，请补充。",
]
# Raw coal: seasonal factor of consumption by month (winter higher).
SEASON = [D("1.12"), D("1.05"), D("1.00"), D("0.93"), D("0.90"), D("0.96"),
          D("1.04"), D("1.06"), D("0.95"), D("0.97"), D("1.04"), D("1.10")]
HEATING = {1, 2, 3, 11, 12}
HOURS = [744, 672, 744, 720, 744, 720, 744, 744, 720, 744, 720, 744]
# Units stop for maintenance a few days a year: (facility index, month) -> hours off.
OUTAGE = {(0, 4): 312, (1, 9): 240}


@contextmanager
def clock(day: date, hour: int = 10):
    """Run the services as if it were ``day`` at ``hour`` o'clock in Asia/Shanghai."""
    moment = datetime.combine(day, time(hour), tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(ZoneInfo("UTC"))):
        yield


def enterprises() -> dict[str, Enterprise]:
    by_uscc = {e.uscc: e for e in Enterprise.objects.select_related("area")}
    return {spec.key: by_uscc[spec.uscc] for spec in demo.enterprises() if spec.uscc in by_uscc}


_HASH: list[str] = []


def _password_hash() -> str:
    """The demo password, hashed once for all the enterprise logins (hashing is slow)."""
    if not _HASH:
        _HASH.append(make_password(demo.PASSWORD))
    return _HASH[0]


def enterprise_user(*, actor, enterprise: Enterprise, key: str) -> User:
    """The login of an enterprise without a demo user: ``ent_<key>``, its signatory."""
    username = f"ent_{key}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            actor=actor,
            username=username,
            full_name=f"{enterprise.name[:20]}填报人",
            email=f"{username}@demo.zhongwei.invalid",
            password_hash=_password_hash(),
            membership={"role": Role.ENTERPRISE_USER, "enterprise": enterprise, "is_signatory": True},
        )
    return user


def _q(value: Decimal, places: str = "0.001") -> Decimal:
    return value.quantize(D(places))


def _values(facility, index: int, month: int, fuels: dict) -> tuple[dict, list[dict]]:
    """The ledger fields and fuel lines of ``facility`` (``index``: its position) for a month."""
    season = SEASON[month - 1]
    wobble = D(100 + (index * 7 + month * 3) % 9 - 4) / 100  # 0.96 … 1.04
    hours = D(HOURS[month - 1] - OUTAGE.get((index, month), 0))
    kind = facility.facility_type
    data = {"running_hours": hours}
    lines = []
    if kind in ("coal_unit", "cfb_unit"):
        capacity = facility.capacity_mw or D("330")
        generation = _q(capacity * hours * D("0.72") * season * wobble / D("1.05"))
        data.update(
            generation_mwh=generation,
            power_supplied_mwh=_q(generation * D("0.935")),
            heat_supplied_gj=D("185000") * season if month in HEATING else D("0"),
            purchased_electricity_mwh=D("180") + index * 40 + (D("900") if (index, month) in OUTAGE else 0),
            load_factor=_q(generation / (capacity * hours), "0.0001"),
        )
        ncv = D("20.05") + D((month * 13 + index * 5) % 11 - 5) / 20  # 19.80 … 20.30 GJ/t
        lines.append({"fuel": fuels["raw_coal"], "consumption": _q(generation * D("0.412")),
                      "measured_ncv": _q(ncv, "0.0001"), "measured_carbon_content": None})
    elif kind == "kiln":
        lines.append({"fuel": fuels["raw_coal"], "consumption": _q(D("8000") * wobble * season),
                      "measured_ncv": None, "measured_carbon_content": None})
        data.update(purchased_electricity_mwh=_q(D("4200") * wobble), load_factor=D("0.8600"))
    elif kind == "boiler":
        base = D("3200") if month in HEATING else D("400")
        coal = _q(base * wobble)
        lines.append({"fuel": fuels["raw_coal"], "consumption": coal,
                      "measured_ncv": None, "measured_carbon_content": None})
        data.update(heat_supplied_gj=_q(coal * D("15.6")), purchased_electricity_mwh=_q(D("150") * wobble))
    elif kind == "furnace":
        lines.append({"fuel": fuels["coke"], "consumption": _q(D("600") * wobble),
                      "measured_ncv": None, "measured_carbon_content": None})
        data.update(purchased_electricity_mwh=_q(D("8000") * wobble), load_factor=D("0.9200"))
    elif kind == "process" and facility.main_fuel == "coal":
        lines.append({"fuel": fuels["raw_coal"], "consumption": _q(D("3300") * wobble),
                      "measured_ncv": None, "measured_carbon_content": None})
        data.update(purchased_electricity_mwh=_q(D("2500") * wobble))
    else:  # grinding station, paper line, data centre: electricity only
        data.update(purchased_electricity_mwh=_q(D("3500") * wobble * season))
    return data, lines


def _month(*, facility, index, month, code, users, fuels) -> None:
    """Replay one month of one facility up to the state ``code`` of ``LEDGER_PLAN``."""
    end = ledger_rules.month_end(YEAR, month)
    submit_on = end + timedelta(days=27 if code == "L" else 8 + (index * 3 + month) % 9)
    data, lines = _values(facility, index, month, fuels)
    with clock(submit_on - timedelta(days=1)):
        ledger = ledger_services.ledger_save(
            actor=users["enterprise"], facility=facility, year=YEAR, month=month, data=data, lines=lines
        )
    if code == "D":
        return
    with clock(submit_on):
        ledger_services.ledger_submit(actor=users["enterprise"], ledger=ledger)
    if code == "S":
        return
    check_on = submit_on + timedelta(days=8 if code == "P" else 2)
    with clock(check_on, hour=15):
        if code == "R":
            reason = RETURN_REASONS[(index + month) % len(RETURN_REASONS)]
            ledger_services.ledger_county_return(actor=users["official"], ledger=ledger, reason=reason)
            return
        ledger_services.ledger_county_pass(actor=users["official"], ledger=ledger)
    if code == "K":
        return
    with clock(check_on + timedelta(days=5), hour=16):
        ledger_services.ledger_close(actor=users["bureau"], ledger=ledger)


def seed_ledgers(*, actor, officials: dict, reviewer) -> int:
    """Create the planned months that do not exist yet; returns how many were created.
    The dates assume the default day counts of the year (upload 20, county 5, close 40)."""
    companies = enterprises()
    fuels = {f.code: f for f in FuelType.objects.all()}
    created = 0
    for key, plan in LEDGER_PLAN.items():
        enterprise = companies[key]
        users = {
            "enterprise": ledger_user(actor=actor, enterprise=enterprise, key=key),
            "official": officials[enterprise.area.code],
            "bureau": reviewer,
        }
        facilities = list(enterprise.facilities.order_by("pk"))
        existing = set(
            MonthlyLedger.objects.filter(enterprise=enterprise, year=YEAR).values_list("facility_id", "month")
        )
        for index, facility in enumerate(facilities):
            for month, code in enumerate(plan, start=1):
                if code == "-" or (facility.pk, month) in existing:
                    continue
                _month(facility=facility, index=index, month=month, code=code, users=users, fuels=fuels)
                created += 1
    return created


DEMO_USERS = {"zwrd": "ent1", "znfd": "ent2"}


def ledger_user(*, actor, enterprise, key) -> User:
    """Who keeps the ledgers: the demo login of the enterprise, else its ``ent_<key>`` user."""
    if key in DEMO_USERS:
        return User.objects.get(username=DEMO_USERS[key])
    return enterprise_user(actor=actor, enterprise=enterprise, key=key)
