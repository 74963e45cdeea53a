"""Issue 16: every dashboard reads the same number of queries at 40 and at 400 enterprises,
on the demo (``seed_demo``: 40 enterprises with reports, ledgers, accounts, surrenders,
complaints, inspections and credit grades) and the demo grown tenfold (``grow_demo``: the
grown enterprises with facilities, figures, list entries, logins, ledgers, reports, accounts
and surrender requests), each persona of the demo in turn."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from registry.models import Enterprise
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# registry/demo.py: the bureau (admin, reviewer), county and park officials, two enterprises
# (one with a surrender, one with a draft report), two agencies
PERSONAS = ["admin", "reviewer", "shapotou", "zhongning", "park", "ent1", "ent2", "agency1",
            "agency2"]


def _queries(clients) -> dict[str, int]:
    counts = {}
    for username, client in clients.items():
        client.get("/")  # the session and the per-request caches warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        assert response.status_code == 200, username
        assert response.context["panels"], username
        counts[username] = len(queries)
    return counts


@pytest.fixture
def demo(django_db_blocker):
    """The demo seeded in a transaction rolled back at the end (no flush of every table)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_each_dashboard_reads_as_many_queries_at_40_and_400_enterprises(demo):
    assert Enterprise.objects.count() == 40
    clients = {u: client_for(User.objects.get(username=u)) for u in PERSONAS}
    at_40 = _queries(clients)
    call_command("grow_demo", enterprises=400, stdout=StringIO())
    assert Enterprise.objects.count() == 400
    assert _queries(clients) == at_40
