"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser).

They run against pytest-django's live server; screenshots land in test-artifacts/. Every
browser test fails when a page logs a console error, throws, or violates the
Content-Security-Policy (``page`` fixture, ``BrowserProblems``).
Without /usr/bin/chromium they skip locally, and fail under CI=true.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the test itself still only
    # touches the database between browser calls. Set only while browsers run, so that no
    # other test (e.g. `check --deploy` in a subprocess) inherits it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield from _browser()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# Reported by the browser, in every page of the context: a CSP violation (also when the
# browser would not log it), the page's own console errors and uncaught exceptions.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " in " + e.sourceFile + ":" + e.lineNumber + " (" + document.location.pathname + ")");
});
"""


class BrowserProblems:
    """What the browser reported while a test ran. A browser test fails on any of them unless
    it names the message it expects (``page.problems.allow(pattern)``), e.g. the console line
    Chromium writes when a test opens a page that answers 404 on purpose."""

    def __init__(self):
        self.seen: list[str] = []
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def add(self, text: str) -> None:
        self.seen.append(text)

    def unexpected(self) -> list[str]:
        return [t for t in self.seen if not any(p.search(t) for p in self.allowed)]


def watch(context, problems: BrowserProblems) -> None:
    context.expose_function("__cspViolation", lambda text: problems.add(f"CSP violation: {text}"))
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        if message.type == "error":
            where = message.location or {}
            problems.add(f"console error: {message.text} ({where.get('url', '')})")

    context.on("console", on_console)
    context.on("weberror", lambda error: problems.add(f"uncaught error: {error.error}"))


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    problems = BrowserProblems()
    watch(context, problems)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    page.problems = problems
    yield page
    context.close()
    unexpected = problems.unexpected()
    if unexpected:
        pytest.fail("the browser reported:\n" + "\n".join(unexpected), pytrace=False)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page, username: str, password: str = "pass-1234!") -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
