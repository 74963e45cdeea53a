"""Personas (healthchecks style): every test can ask for the user who must NOT get in.

bureau_admin, bureau_reviewer   city-wide
official_a / official_b         沙坡头区 / 中宁县
ent_a / ent_b                   users of enterprise_a (沙坡头区, signatory) / enterprise_b (中宁县)
agency_a_staff / agency_b_staff staff of agency_a / agency_b
liaison_a / liaison_b           liaisons of department_a (development-reform) / department_b
                                (a bank)
anonymous                       not logged in
"""

import os
from pathlib import Path

import pytest

from tests import factories as f
from zhongwei_carbon.roles import Role

PERSONAS = [
    "anonymous",
    "bureau_admin",
    "bureau_reviewer",
    "official_a",
    "official_b",
    "ent_a",
    "ent_b",
    "agency_a_staff",
    "agency_b_staff",
    "liaison_a",
    "liaison_b",
]


# Parallel runs (pytest-xdist, pyproject's addopts: `-n auto --dist loadfile`): each worker has
# its own test database (pytest-django adds _gw0, _gw1) and takes whole files, so a file's
# module-scoped seed is built once. `-n 0` runs serially; PYTEST_XDIST_AUTO_NUM_WORKERS sets
# the number of workers.
MAX_WORKERS = 4


def _test_files(config) -> int:
    """How many test files the command line names (a directory: the files under it)."""
    count = 0
    for arg in config.args or config.getini("testpaths") or ["."]:
        path = Path(config.invocation_params.dir, arg.split("::")[0])
        if path.is_dir():
            count += sum(1 for _ in path.rglob("test_*.py"))
        else:
            count += 1
    return count


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker per core, at most MAX_WORKERS, and never more than the files to
    share out (whole files go to a worker); 0, no worker process at all, for a single file."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = min(cores or 1, MAX_WORKERS, _test_files(config))
    return workers if workers > 1 else 0


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` that runs every collected item. Schemathesis gives all the cases of
    one test function (tests/core/test_api_fuzz.py) the same node id, and xdist's file
    scheduling keys items by node id: it would run one case of each function and drop the
    rest without a word. Here the repeats get a distinct key (same file, so same worker)."""
    if config.getoption("dist") != "loadfile":
        return None
    from collections import Counter

    from xdist.scheduler import LoadFileScheduling

    class EveryItemLoadFileScheduling(LoadFileScheduling):
        def add_node_collection(self, node, collection):
            seen = Counter()
            keys = []
            for nodeid in collection:
                keys.append(f"{nodeid}#{seen[nodeid]}" if seen[nodeid] else nodeid)
                seen[nodeid] += 1
            super().add_node_collection(node, keys)

    return EveryItemLoadFileScheduling(config, log)


@pytest.fixture
def area_a(db):
    return f.area("640502")


@pytest.fixture
def area_b(db):
    return f.area("640521")


@pytest.fixture
def enterprise_a(area_a):
    return f.EnterpriseFactory(name="沙坡头发电有限公司", area=area_a)


@pytest.fixture
def enterprise_b(area_b):
    return f.EnterpriseFactory(name="中宁水泥有限公司", area=area_b, sector=f.sector("building_materials"))


@pytest.fixture
def agency_a(db):
    return f.AgencyFactory(name="宁夏碳核查中心")


@pytest.fixture
def agency_b(db):
    return f.AgencyFactory(name="西北低碳技术服务公司")


@pytest.fixture
def bureau_admin(db):
    return f.make_member("bureau_admin", Role.BUREAU_ADMIN)


@pytest.fixture
def bureau_reviewer(db):
    return f.make_member("bureau_reviewer", Role.BUREAU_REVIEWER)


@pytest.fixture
def official_a(area_a):
    return f.make_member("official_a", Role.AREA_OFFICIAL, area=area_a)


@pytest.fixture
def official_b(area_b):
    return f.make_member("official_b", Role.AREA_OFFICIAL, area=area_b)


@pytest.fixture
def ent_a(enterprise_a):
    user = f.make_member("ent_a", Role.ENTERPRISE_USER, enterprise=enterprise_a)
    user.memberships.update(is_signatory=True)
    return user


@pytest.fixture
def ent_b(enterprise_b):
    return f.make_member("ent_b", Role.ENTERPRISE_USER, enterprise=enterprise_b)


@pytest.fixture
def agency_a_staff(agency_a):
    return f.make_member("agency_a_staff", Role.AGENCY_STAFF, agency=agency_a)


@pytest.fixture
def agency_b_staff(agency_b):
    return f.make_member("agency_b_staff", Role.AGENCY_STAFF, agency=agency_b)


@pytest.fixture
def department_a(db):
    return f.department("development-reform", "市发展和改革委员会")


@pytest.fixture
def department_b(db):
    return f.department("bank-ningxia", "宁夏银行中卫分行", kind="bank")


@pytest.fixture
def liaison_a(department_a):
    return f.make_member("liaison_a", Role.DEPARTMENT_LIAISON, department=department_a)


@pytest.fixture
def liaison_b(department_b):
    return f.make_member("liaison_b", Role.DEPARTMENT_LIAISON, department=department_b)


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def personas(request, db):
    """All personas at once, by name (the URL matrix walks them)."""
    return {name: request.getfixturevalue(name) for name in PERSONAS}


def client_for(user):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_as():
    return client_for


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's language (Chinese), whatever an earlier test's request
    or unfinished streamed export left active in this thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def load_reference_data() -> None:
    """What the data migrations put in every database (areas, sectors, emission factors,
    the checklist, penalty ranges, the default credit rules), back after a flush."""
    from django.apps import apps

    from credit import reference as credit_reference
    from credit.models import GroupCap, RuleLine, RuleSet
    from oversight import reference as oversight_reference
    from oversight.models import ChecklistItem, PenaltyRange
    from registry import reference
    from registry.models import Area, Sector
    from reporting import reference as reporting_reference

    reference.load(Area, Sector)
    reporting_reference.load(apps)
    oversight_reference.load(ChecklistItem)
    oversight_reference.load_penalty_ranges(PenaltyRange)
    credit_reference.load(RuleSet, RuleLine, GroupCap)


FLUSHES = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test flushes every table, including what the data migrations created;
    it starts with them here, and they are back for the tests after it (see
    pytest_runtest_teardown)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    request.node.stash[FLUSHES] = bool(transactional)
    from registry.models import Area

    if not Area.objects.exists():
        load_reference_data()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the reference data back (committed), so that a
    later test or module-scoped seed finds the database as migrated. A serial run orders the
    transactional tests last (pytest-django); a parallel worker takes whole files, each with
    its transactional tests at its end, and more files after them."""
    result = yield
    if item.stash.get(FLUSHES, False):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            load_reference_data()
    return result
