"""Issue 10 §6: a Content-Security-Policy on every page, and nothing in the templates that it
would refuse (inline scripts, on*= handlers, javascript: links, inline styles).

The browser side (no console error or CSP violation on any page of each role) is in
tests/browser/test_console_clean.py and in every browser test through the ``page`` fixture."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests import factories as f

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)

SITE_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = set(sources)
    return directives


@pytest.fixture
def cycle(db):
    return f.cycle_with_deadline(2025, date(2099, 12, 31))  # the compliance page needs one


@pytest.mark.parametrize(
    "path", ["/public/", "/public/apply/", "/accounts/login/", "/public/disclosure/", "/api/docs/"]
)
def test_public_pages_carry_the_site_policy(path):
    response = Client().get(path)
    assert response.status_code == 200
    assert policy(response) == SITE_POLICY


def test_logged_in_pages_carry_the_site_policy(client_as, bureau_admin, ent_a, enterprise_a, cycle):
    for user, path in [
        (bureau_admin, "/registry/enterprises/"),
        (bureau_admin, "/allowances/compliance/"),
        (ent_a, f"/registry/enterprises/{enterprise_a.pk}/"),
        (ent_a, "/reporting/reports/"),
    ]:
        response = client_as(user).get(path)
        assert response.status_code == 200, path
        assert policy(response) == SITE_POLICY, path


def test_error_pages_and_redirects_carry_it_too(client_as, ent_b, enterprise_a):
    response = client_as(ent_b).get(f"/registry/enterprises/{enterprise_a.pk}/")
    assert response.status_code == 404  # out of scope
    assert policy(response) == SITE_POLICY
    response = Client().get("/reporting/reports/")
    assert response.status_code == 302
    assert policy(response) == SITE_POLICY


def test_redoc_and_the_browsable_api_relax_only_styles(client_as, bureau_admin):
    """Redoc's bundle writes <style> elements and starts a blob: worker; DRF's browsable API
    templates carry style= attributes. Scripts stay 'self' on both pages."""
    redoc = policy(Client().get("/api/redoc/"))
    assert redoc == SITE_POLICY | {
        "style-src": {"'self'", "'unsafe-inline'"},
        "worker-src": {"'self'", "blob:"},
    }
    browsable = client_as(bureau_admin).get("/api/v1/enterprises/", HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200 and b"<html" in browsable.content
    assert policy(browsable) == SITE_POLICY | {"style-src": {"'self'", "'unsafe-inline'"}}
    json = client_as(bureau_admin).get("/api/v1/enterprises/")
    assert json["Content-Type"] == "application/json"
    assert policy(json) == SITE_POLICY


def test_swagger_ui_loads_its_start_script_from_a_url():
    """The split view: the page has no inline script; ``?script`` serves it as JavaScript."""
    page = Client().get("/api/docs/").content.decode()
    assert problems(page) == []
    srcs = re.findall(r'<script src="([^"]+)"', page)
    assert "/api/docs/?script=" in srcs
    script = Client().get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


# --- what the policy would refuse, found in the templates ----------------------------------

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
HANDLER = re.compile(r"""\son[a-z]+\s*=""", re.I)
STYLE_ATTR = re.compile(r"""\sstyle\s*=""", re.I)
JS_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.I)


COMMENTS = re.compile(r"{#.*?#}|{% *comment *%}.*?{% *endcomment *%}|<!--.*?-->", re.S)


def problems(html: str) -> list[str]:
    """What a strict policy (script-src and style-src 'self') refuses in ``html``."""
    html = COMMENTS.sub("", html)
    found = []
    for attrs, body in SCRIPT.findall(html):
        if re.search(r"\ssrc\s*=", " " + attrs):
            if body.strip():
                found.append(f"<script{attrs}> with a src and a body")
        elif not re.search(r"""type\s*=\s*["']application/json["']""", attrs):
            found.append(f"inline <script{attrs}>: {body.strip()[:60]!r}")
    for tag in TAG.findall(html):
        if HANDLER.search(tag):
            found.append(f"event handler attribute: {tag[:80]!r}")
        if STYLE_ATTR.search(tag):
            found.append(f"style attribute: {tag[:80]!r}")
        if JS_URL.search(tag):
            found.append(f"javascript: URL: {tag[:80]!r}")
    if re.search(r"<style\b", html, re.I):
        found.append("<style> element")
    return found


def project_templates() -> list[Path]:
    roots = [BASE / "templates"] + sorted(BASE.glob("*/templates"))
    files = sorted({p for root in roots for p in root.rglob("*.html")})
    return [p for p in files if ".venv" not in p.parts]


def test_the_scan_finds_what_it_looks_for():
    bad = [
        "<script>alert(1)</script>",
        "<script type='text/javascript'>x()</script>",
        '<script src="/a.js">x()</script>',
        '<select onchange="this.form.submit()">',
        "<button ONCLICK='go()' class=x>",
        '<a href="javascript:void(0)">',
        '<th style="min-width:12rem">',
        "<style>p{}</style>",
        "{% block head %}<style>\n.cal td { width: 1% }\n</style>{% endblock %}",
    ]
    for html in bad:
        assert problems(html), html
    good = [
        '<script src="/static/js/portal.js"></script>',
        '<script id="x" type="application/json">{"a": 1}</script>',
        '<select data-autosubmit class="form-select">',
        "<p>based on=this</p>",
        '<input name="onboarding">',
        "{# no inline <script> or <style> here #}<p>",
    ]
    for html in good:
        assert problems(html) == [], html


def test_no_template_has_what_the_policy_refuses():
    templates = project_templates()
    assert len(templates) > 100  # the project's own and every app's
    assert BASE / "templates" / "base.html" in templates
    assert BASE / "registry" / "templates" / "registry" / "enterprises" / "detail.html" in templates
    found = [f"{p.relative_to(BASE)}: {what}" for p in templates for what in problems(p.read_text())]
    assert found == [], "\n".join(found)


def plain_paths() -> list[str]:
    """Every portal URL without a parameter (lists, forms, public pages), admin and API aside."""
    from django.urls import get_resolver

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if "<" in route or route.startswith(("admin/", "api/")):
                continue
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern, route)
            else:
                yield "/" + route

    return sorted(set(walk(get_resolver())))


def test_rendered_pages_have_none_either(client_as, bureau_admin, ent_a, enterprise_a, cycle):
    """Rendered output, including form widgets (their attrs) and json_script blocks: every
    page without a parameter as the bureau, the enterprise and the public, and the
    enterprise's own page (its chart)."""
    paths = plain_paths()
    assert {"/registry/enterprises/new/", "/allowances/compliance/", "/public/"} <= set(paths)
    checked = 0
    for client in (client_as(bureau_admin), client_as(ent_a), Client()):
        for path in paths + [f"/registry/enterprises/{enterprise_a.pk}/"]:
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            assert problems(response.content.decode()) == [], path
            checked += 1
    assert checked > 60


def test_the_copied_history_template_differs_only_by_its_style_attribute():
    """templates/simple_history/object_history_list.html overrides the package's (admin history
    pages) without its style= attribute; after an upgrade of django-simple-history, copy the
    new one again."""
    import simple_history

    original = Path(simple_history.__file__).parent / "templates/simple_history/object_history_list.html"
    ours = (BASE / "templates/simple_history/object_history_list.html").read_text()
    assert f"django-simple-history {simple_history.__version__})" in ours
    body = ours.split("{% endcomment %}\n", 1)[1]
    assert body == original.read_text().replace(' style="border-top: 0"', "")
    assert problems(original.read_text()) and not problems(ours)
