"""Issue 10 §6 in a browser: on the demo data, each role walks its menu and the pages with
charts (ECharts) and live updates (htmx); every page carries the Content-Security-Policy and
the browser reports no console error, uncaught exception or CSP violation on any of them
(the ``page`` fixture fails the test on any; see tests/browser/conftest.py).

Roles: the public (no login, also the API docs), bureau admin, county official, enterprise
(two: one with charts and a surrender, one with a draft report), agency."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Membership
from allowances.models import AllowanceAccount
from registry.models import Enterprise
from reporting.models import AnnualReport
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Demo-2026!"  # registry/management/commands/seed_demo.py


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def policy(response) -> dict[str, set[str]]:
    header = response.headers.get("content-security-policy")
    assert header, f"no Content-Security-Policy on {response.url}"
    return {name: set(sources) for name, *sources in (p.split() for p in header.split(";"))}


class Walk:
    def __init__(self, page):
        self.page = page
        self.visited: list[str] = []

    def go(self, path: str, *, styles: str = "'self'"):
        """Open ``path``: 200, scripts only from the site, and the styles allowed."""
        response = self.page.goto(self.page.base + path)
        self.page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        csp = policy(response)
        assert csp["script-src"] == {"'self'"}, path
        assert csp["style-src"] == set(styles.split()), path
        self.visited.append(path)
        return response

    def menu(self) -> list[str]:
        """The role's menu links (navbar and its dropdowns), each opened."""
        hrefs = self.page.eval_on_selector_all(
            "#mainnav a.nav-link[href], #mainnav a.dropdown-item[href]",
            "els => els.map(e => e.getAttribute('href'))",
        )
        # a menu entry that downloads a workbook (the partner departments' credit export) is
        # no page to watch
        links = list(dict.fromkeys(
            h for h in hrefs if h.startswith("/") and not h.endswith("/export/")
        ))
        for href in links:
            self.go(href)
        return links

    def as_user(self, username: str):
        self.page.context.clear_cookies()
        login(self.page, username, PASSWORD)
        assert "/accounts/login/" not in self.page.url, username
        self.visited.append(self.page.url)

    def chart(self, selector: str):
        """An ECharts chart drew on its canvas; hovering it shows the tooltip."""
        canvas = self.page.locator(f"{selector} canvas").first
        canvas.wait_for(state="visible")
        box = canvas.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.wait_for_timeout(300)  # the tooltip is drawn on the next frames


def test_every_role_walks_its_pages_with_a_clean_console(page, demo):
    """One seed of the demo data (~20 s), then each role in turn."""
    public_pages(Walk(page))
    bureau_admin_pages(Walk(page))
    county_official_pages(Walk(page))
    enterprise_pages(Walk(page))
    agency_pages(Walk(page))


def public_pages(walk):
    page = walk.page
    for path in ["/public/", "/public/disclosure/", "/public/apply/", "/accounts/login/"]:
        walk.go(path)
    walk.go("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Zhongwei carbon-market portal API" in page.locator(".swagger-ui .info").inner_text()
    page.locator(".opblock-tag").first.wait_for()  # the schema was fetched and drawn
    walk.go("/api/redoc/", styles="'self' 'unsafe-inline'")
    page.locator("h1", has_text="Zhongwei carbon-market portal API").wait_for()
    page.locator("[role=menuitem]").first.wait_for()
    # the language switch submits on change (portal.js, no onchange= attribute)
    walk.go("/public/")
    for language in ("en", "zh-hans"):
        with page.expect_navigation():
            page.select_option("select[name=language]", language)
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == language
        assert page.url.endswith("/public/")


def bureau_admin_pages(walk):
    page = walk.page
    walk.as_user("admin")
    links = walk.menu()
    assert len(links) >= 15, links
    enterprise = Enterprise.objects.get(name="宁夏中卫热电有限公司")
    walk.go(f"/registry/enterprises/{enterprise.pk}/")
    walk.chart("#emission-chart")
    shot(page, "csp-enterprise-chart")
    walk.go("/allowances/compliance/")
    walk.chart("[data-chart=by_area]")
    walk.chart("[data-chart=by_sector]")
    shot(page, "csp-compliance-charts")
    walk.go("/reporting/calendar/")  # its calendar styles moved to portal.css
    assert page.locator(".cal-month .holiday").count() > 0
    # the cycle picker submits on change (portal.js)
    account = AllowanceAccount.objects.get(enterprise=enterprise)
    walk.go(f"/allowances/accounts/{account.pk}/")
    other = page.locator("#id_cycle option:not(:checked)").first.get_attribute("value")
    with page.expect_navigation():
        page.select_option("#id_cycle", other)
    page.wait_for_url(f"**/allowances/accounts/{account.pk}/?cycle={other}")
    assert page.locator("#id_cycle").input_value() == other
    walk.go("/api/v1/enterprises/", styles="'self' 'unsafe-inline'")  # DRF's browsable API
    assert walk.visited


def county_official_pages(walk):
    walk.as_user("shapotou")
    assert walk.menu()
    enterprise = Enterprise.objects.filter(area__name="沙坡头区").order_by("pk").first()
    walk.go(f"/registry/enterprises/{enterprise.pk}/")
    walk.chart("#emission-chart")


def enterprise_pages(walk):
    page = walk.page
    walk.as_user("ent1")
    # the enterprise lands on its dashboard, charts drawn under the CSP
    assert page.url.rstrip("/") == page.base.rstrip("/")
    walk.chart("#panel-emissions")
    enterprise = Enterprise.objects.get(name="宁夏中卫热电有限公司")
    walk.go(f"/registry/enterprises/{enterprise.pk}/")
    walk.chart("#emission-chart")
    assert walk.menu()
    # the surrender form recomputes its totals as the user types (htmx)
    walk.go("/allowances/surrenders/new/?cycle=2025")
    quantity = page.locator("main input[type=number]").first
    with page.expect_response(lambda r: "/allowances/surrenders/new/" in r.url and r.request.method == "POST") as hx:
        quantity.fill("1")
        quantity.press("End")  # keyup
    assert hx.value.status == 200 and hx.value.request.headers.get("hx-request") == "true"
    page.wait_for_load_state("networkidle")
    shot(page, "csp-surrender-live-totals")

    # an enterprise with a draft report: a line's emissions are recomputed on change (htmx)
    report = AnnualReport.objects.get(status="draft")
    user = Membership.objects.filter(enterprise=report.enterprise).order_by("pk").first().user
    walk.as_user(user.username)
    walk.go(f"/reporting/reports/{report.pk}/")
    walk.go(f"/reporting/reports/{report.pk}/lines/add/")
    before = page.locator("#live-totals").inner_text()
    page.select_option("#id_source_kind", "electricity")
    with page.expect_response(lambda r: r.url.endswith(f"/reporting/reports/{report.pk}/totals/")) as hx:
        page.fill("#id_activity", "1000")
        page.locator("#id_activity").blur()  # change
    assert hx.value.status == 200
    # the response caught may be the one the source change asked for (same total): wait for
    # the swap of the recomputed one
    page.wait_for_function(
        "before => document.querySelector('#live-totals').innerText !== before", arg=before)
    assert page.locator("#live-totals").inner_text() != before
    shot(page, "csp-report-line-live-totals")


def agency_pages(walk):
    page = walk.page
    walk.as_user("agency1")
    assert walk.menu()
    walk.go("/reporting/verification/")
    first = page.locator("main table a[href*='/reporting/']").first
    href = first.get_attribute("href")
    walk.go(href)


def test_the_watch_catches_a_violation_an_error_and_an_exception(page, live_server):
    """What the ``page`` fixture fails every browser test on: here expected, so allowed."""
    Walk(page).go("/public/")
    page.evaluate(
        """() => {
        const s = document.createElement("script");
        s.textContent = "window.injected = true";
        document.body.appendChild(s);
        console.error("an error the page logged");
        setTimeout(() => { throw new Error("an uncaught exception"); });
    }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.injected") is None  # the inline script was refused
    seen = "\n".join(page.problems.seen)
    assert "CSP violation: script-src" in seen
    assert "console error: an error the page logged" in seen
    assert "uncaught error: an uncaught exception" in seen
    page.problems.allow("script-src|an error the page logged|an uncaught exception")
    assert page.problems.unexpected() == []
