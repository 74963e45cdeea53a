"""Growing the demo into a city-sized copy (``manage.py grow_demo``, issue 11 §9): the registry
part. Not part of the demo: the scale bench (``bench/scale.py``) grows a copy of it.

The seeded demo (``registry/demo.py``, ~40 enterprises) is grown to ``target`` enterprises in
the proportions of the copy measured in issue 11: ~2 facilities per enterprise, three annual
records each (2023 and 2024 verified, 2025 self-reported, as the seed), about 40 % of them
above the listing threshold, over every area and sector. The enterprises above the threshold
get an enterprise login (``ent_g<n>``, its signatory), as the seed's reporting enterprises do.
The apps above the registry add their part (ledgers, reports, accounts) in their own
``demo_grow`` module, given what was grown here.

Rows are written with ``bulk_create`` in chunks (no per-row service call: 5,000 enterprises
would take minutes), with one business event per enterprise (sealed at commit like any
other). Everything is deterministic: enterprise ``n`` is always the same, in the same area,
with the same figures, so growing to 500 and then to 5,000 gives the same 5,000 as growing to
5,000 at once. Growing again to the same size adds nothing.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from registry import demo, rules
from registry.choices import ListChange, ListReason, ListStatus, RecordSource
from registry.models import (
    Area,
    EmissionRecord,
    Enterprise,
    Facility,
    KeyEmitterList,
    KeyEmitterListEntry,
    Sector,
)
from registry.services import lists
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Role
from zhongwei_carbon.uscc import make as make_uscc

CHUNK = 2_000
# Positions 9–11 of a grown enterprise's USCC (the seed's use "MA76"); ``n`` follows, 6 digits.
MARK = "MA8"
# area code → weight: the district and the counties hold most enterprises, the parks the rest
AREA_WEIGHTS = {
    demo.SHAPOTOU: 30, demo.ZHONGNING: 25, demo.HAIYUAN: 15, demo.PARK_ZW: 20, demo.PARK_ZN: 10,
}
# sector code → (weight, facility sets of a large enterprise, of a small one): the facility
# kinds of the seed (registry/demo.py), ~2 per enterprise on average
SECTORS = {
    "power": (5, (demo.COAL2, demo.CFB + demo.BOILER, demo.GAS), (demo.CFB + demo.BOILER, demo.GAS)),
    "steel": (7, (demo.FURNACE, demo.FURNACE[:1] + demo.BOILER), (demo.FURNACE, demo.FURNACE[:1])),
    "building_materials": (18, (demo.KILN, demo.KILN + demo.BOILER), (demo.KILN[:1], demo.KILN)),
    "nonferrous": (8, (demo.FURNACE, demo.CELLS), (demo.FURNACE, demo.CELLS[1:])),
    "petrochemical": (5, (demo.REFINERY, demo.REFINERY[1:]), (demo.REFINERY[1:],)),
    "chemical": (17, (demo.CHEM, demo.CHEM + demo.BOILER), (demo.CHEM[:1], demo.CHEM)),
    "paper": (5, (demo.PAPER, demo.PAPER + demo.BOILER), (demo.PAPER,)),
    "other": (35, (demo.BOILERS, demo.DATA_CENTRE + demo.BOILERS), (demo.SMALL, demo.BOILERS, demo.BOILERS)),
}
LARGE_SHARE = 0.40  # enterprises at or above the listing threshold (the measured copy: 40 %)
SECTOR_WORD = {
    "power": "发电", "steel": "钢铁", "building_materials": "建材", "nonferrous": "冶金",
    "petrochemical": "石化", "chemical": "化工", "paper": "纸业", "other": "实业",
}
TRADE = ["恒泰", "宏达", "鑫源", "瑞丰", "金川", "华源", "盛达", "天宇", "博远", "永盛",
         "嘉禾", "东方", "腾飞", "新元", "祥瑞", "万通", "荣昌", "兴业", "鼎盛", "汇丰",
         "隆基", "广源", "中兴", "长城", "银河", "宝丰", "黄河", "沙湖", "贺兰", "六盘"]
PLACE = {
    demo.SHAPOTOU: "中卫", demo.ZHONGNING: "中宁", demo.HAIYUAN: "海原",
    demo.PARK_ZW: "中卫", demo.PARK_ZN: "中宁",
}


def share(key: str, salt: str) -> float:
    """A stable number in [0, 1) for ``key`` and ``salt``: which grown rows get what (the
    apps above use it to pick, e.g., the enterprises that keep monthly ledgers)."""
    return zlib.crc32(f"{salt}:{key}".encode()) / 2**32


def uscc_of(n: int, area_code: str) -> str:
    return make_uscc(f"91{demo._DIVISION[area_code]}{MARK}{n:06d}")


def grown_enterprises():
    """The enterprises ``grow_demo`` added (the seed's are left out)."""
    return Enterprise.objects.filter(uscc__regex=rf"^91[0-9]{{6}}{MARK}[0-9]{{6}}")


@dataclass(frozen=True)
class Spec:
    """Enterprise ``n`` of the grown copy."""

    n: int
    area: str
    sector: str
    name: str
    facilities: tuple
    figures: dict  # year -> (emissions, energy), Decimal strings as in registry.demo

    @property
    def listed(self) -> bool:
        """At or above the threshold in 2024 (the basis year of the 2025 list and cycle)."""
        emissions, energy = self.figures[2024]
        return rules.meets_threshold(rules.YearFigures(Decimal(emissions), Decimal(energy))) is not None


def spec(n: int) -> Spec:
    rng = random.Random(f"grow_demo:{n}")
    area = rng.choices(list(AREA_WEIGHTS), weights=list(AREA_WEIGHTS.values()))[0]
    sector = rng.choices(list(SECTORS), weights=[w for w, _l, _s in SECTORS.values()])[0]
    large = rng.random() < LARGE_SHARE
    _weight, large_sets, small_sets = SECTORS[sector]
    facilities = rng.choice(large_sets if large else small_sets)
    if large:  # 27,000 … 3,000,000 t, log-uniform: many mid-sized, a few power plants
        emissions = int(27_000 * (3_000_000 / 27_000) ** (rng.random() ** 1.6))
        ratio = rng.choice(["2.60", "2.95", "3.10", "3.40", "7.80"])
    else:  # below both thresholds in every year (×1.02 in 2024 stays under 26,000 t)
        emissions = rng.randint(1_500, 25_000)
        ratio = "2.60"
    trend = tuple(Decimal(1) + Decimal(rng.randint(-40, 40)) / 1000 for _ in demo.YEARS)
    if not large:
        trend = (Decimal("1.000"), Decimal("1.020"), Decimal("0.985"))
    trade = TRADE[n % len(TRADE)] + TRADE[(n // len(TRADE) + 7 * n) % len(TRADE)]
    name = f"宁夏{PLACE[area]}{trade}{SECTOR_WORD[sector]}有限公司"
    if n >= len(TRADE) ** 2:
        name = name.replace("有限公司", f"{n // len(TRADE) ** 2 + 1}号有限公司")
    return Spec(n, area, sector, name, facilities, demo._steady(emissions, ratio, trend))


@dataclass
class Grown:
    """What the registry part grew, for the apps above: the new enterprises (area and sector
    loaded), their specs by pk, and the login of each listed one."""

    enterprises: list[Enterprise] = field(default_factory=list)
    specs: dict[int, Spec] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    # area pk -> its official (the seed has none for one park: the reviewer checks there)
    officials: dict[int, User] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)  # admin, reviewer, agency1, agency2

    @property
    def listed(self) -> list[Enterprise]:
        return [e for e in self.enterprises if self.specs[e.pk].listed]


def _chunks(rows):
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def bulk(model, rows: list) -> list:
    """``bulk_create`` in chunks; returns the rows with their primary keys."""
    done = []
    for part in _chunks(rows):
        done.extend(model.objects.bulk_create(part))
    return done


def grow(*, actor, target: int) -> Grown:
    """Add enterprises until there are ``target``; returns what was added (may be nothing)."""
    grown = Grown(people={u.username: u for u in User.objects.filter(
        username__in=["admin", "reviewer", "agency1", "agency2"])})
    grown.officials = {
        m.area_id: m.user
        for m in Membership.objects.filter(role=Role.AREA_OFFICIAL, is_active=True).select_related("user")
    }
    missing = target - Enterprise.objects.count()
    if missing <= 0:
        return grown
    first = grown_enterprises().count() + 1
    specs = [spec(n) for n in range(first, first + missing)]
    areas = {a.code: a for a in Area.objects.all()}
    sectors = {s.code: s for s in Sector.objects.all()}
    enterprises = bulk(Enterprise, [
        Enterprise(
            uscc=uscc_of(s.n, s.area), name=s.name, area=areas[s.area], sector=sectors[s.sector],
            address=f"{demo._ADDRESS[s.area]}{100 + s.n % 900}号",
            legal_representative=demo._PEOPLE[s.n % len(demo._PEOPLE)],
            contact_person=demo._PEOPLE[(s.n + 3) % len(demo._PEOPLE)],
            contact_phone=f"0955-7{s.n % 1_000_000:06d}",
        )
        for s in specs
    ])
    grown.enterprises = enterprises
    grown.specs = {e.pk: s for e, s in zip(enterprises, specs, strict=True)}
    _facilities(grown)
    _records(grown)
    _users(grown, actor=actor)
    _events(grown, actor=actor)
    _published_history(grown)
    return grown


def _facilities(grown: Grown) -> None:
    rows = []
    for enterprise in grown.enterprises:
        s = grown.specs[enterprise.pk]
        for index, (kind, name, capacity, fuel) in enumerate(s.facilities):
            rows.append(Facility(
                enterprise=enterprise, name=name, facility_type=kind,
                capacity_mw=Decimal(capacity) if capacity else None, main_fuel=fuel,
                commissioned_on=date(2006 + (s.n + 3 * index) % 18, 1 + s.n % 12, 28),
            ))
    bulk(Facility, rows)


def _records(grown: Grown) -> None:
    rows = []
    for enterprise in grown.enterprises:
        for year, (emissions, energy) in sorted(grown.specs[enterprise.pk].figures.items()):
            rows.append(EmissionRecord(
                enterprise=enterprise, year=year, emissions_tco2e=Decimal(emissions),
                energy_tce=Decimal(energy) if energy else None,
                source=RecordSource.VERIFIED if year <= 2024 else RecordSource.SELF_REPORTED,
                note="演示数据（扩容）",
            ))
    bulk(EmissionRecord, rows)


def _published_history(grown: Grown) -> None:
    """The grown city's past: its enterprises at or above the threshold were key emitters of
    the seed's published lists (2024, 2025) too, so they owe for those years' cycles as the
    seed's do. Published lists are frozen against everything but this growth of the demo's
    history, which passes the freeze trigger knowingly."""
    import pgtrigger

    published = list(KeyEmitterList.objects.filter(status=ListStatus.PUBLISHED).order_by("year"))
    rows = []
    for key_list in published:
        for e in grown.listed:
            emissions, energy = grown.specs[e.pk].figures.get(key_list.basis_year, (None, None))
            rows.append(KeyEmitterListEntry(
                key_list=key_list, enterprise=e,
                change=ListChange.ADDED if key_list is published[0] else ListChange.RETAINED,
                reason=ListReason.EMISSIONS_AT_THRESHOLD,
                emissions_tco2e=Decimal(emissions) if emissions else None,
                energy_tce=Decimal(energy) if energy else None,
                enterprise_name=e.name, uscc=e.uscc, area=e.area, sector=e.sector,
            ))
    with pgtrigger.ignore("registry.KeyEmitterListEntry:published_entries_frozen_ins"):
        bulk(KeyEmitterListEntry, rows)


def _users(grown: Grown, *, actor) -> None:
    """The login of each listed enterprise (``ent_g<n>``), its signatory."""
    password = make_password(demo.PASSWORD)
    listed = grown.listed
    users = bulk(User, [
        User(username=f"ent_g{grown.specs[e.pk].n:06d}", full_name=f"{e.name[:20]}填报人",
             email=f"ent_g{grown.specs[e.pk].n:06d}@demo.zhongwei.invalid", password=password)
        for e in listed
    ])
    bulk(Membership, [
        Membership(user=u, role=Role.ENTERPRISE_USER, enterprise=e, is_signatory=True)
        for e, u in zip(listed, users, strict=True)
    ])
    grown.users = {e.pk: u for e, u in zip(listed, users, strict=True)}


def _events(grown: Grown, *, actor) -> None:
    target_type = ContentType.objects.get_for_model(Enterprise)
    bulk(Event, [
        Event(
            actor=actor, verb="enterprise.created", target_type=target_type, target_id=str(e.pk),
            message=_("Enterprise %(name)s (%(uscc)s) registered") % {"name": e.name, "uscc": e.uscc},
            data={"uscc": e.uscc, "name": e.name, "area": e.area_id, "sector": e.sector_id,
                  "source": "grow_demo"},
        )
        for e in grown.enterprises
    ])


def redraft(*, actor) -> None:
    """Rebuild the draft list of the seed (2026) so it names the grown enterprises too; the
    published lists are frozen and stay as they are. Called once the apps above have grown
    (a final report makes the 2025 figure, the list's basis, the verified one)."""
    draft = KeyEmitterList.objects.filter(year=demo.DRAFT_LIST_YEAR, status=ListStatus.DRAFT).first()
    if draft is not None:
        lists.key_list_draft(actor=actor, year=draft.year)
