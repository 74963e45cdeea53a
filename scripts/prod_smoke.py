#!/usr/bin/env python
"""The production path without Docker (run by `.ci/run` after the tests; by hand:
`DATABASE_URL=... .venv/bin/python scripts/prod_smoke.py`).

With production settings (DEBUG off, a random secret key, https behind a proxy): collectstatic
with the manifest storage, `check --deploy`, migrate, a bureau user, gunicorn on a free port,
then /healthz/, the login form, a logged-in page and one of its hashed static files, each
answered; gunicorn is stopped whatever happens. Exits non-zero on the first failure.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
USER, PASSWORD = "prod-smoke", secrets.token_urlsafe(16) + "-Aa1"
MAKE_USER = f"""
from accounts import services
from accounts.models import User
user = User.objects.filter(username={USER!r}).first()
if user is None:
    services.user_create(actor=None, username={USER!r}, full_name="上线检查",
                         password={PASSWORD!r}, membership={{"role": "bureau_admin"}})
else:
    user.set_password({PASSWORD!r}); user.is_active = True; user.save()
"""


def env() -> dict:
    values = dict(os.environ)
    for key in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_COOKIES", "DJANGO_HSTS_SECONDS",
                "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        values.pop(key, None)
    if not values.get("DATABASE_URL"):
        sys.exit("DATABASE_URL must name the PostgreSQL database to use")
    from cryptography.fernet import Fernet

    values.update(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
                  DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
                  # the complainants' identities are encrypted with it (check --deploy)
                  COMPLAINTS_ENCRYPTION_KEY=Fernet.generate_key().decode())
    return values


def ensure_database(url: str) -> None:
    """Create the database DATABASE_URL names if the server does not have it yet (a fresh CI
    machine has only its default databases)."""
    import environ as django_environ
    import psycopg2
    from psycopg2 import sql

    config = django_environ.Env.db_url_config(url)
    params = {"host": config.get("HOST") or None, "port": config.get("PORT") or None,
              "user": config.get("USER") or None, "password": config.get("PASSWORD") or None}
    conn = psycopg2.connect(dbname="postgres", **{k: v for k, v in params.items() if v})
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"== created database {config['NAME']}", flush=True)
    conn.close()


def manage(*args, environ) -> None:
    print("== manage.py", " ".join(args), flush=True)
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=environ, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """HTTP as the TLS proxy forwards it (X-Forwarded-Proto: https), cookies kept by hand
    (they are Secure, which a plain http client would not send back)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        head = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        data = response.read()
        for value in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response, data.decode("utf-8", "replace")


def expect(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        raise SystemExit(1)


def main() -> int:
    environ = env()
    ensure_database(environ["DATABASE_URL"])
    manage("collectstatic", "--noinput", "--verbosity", "0", environ=environ)
    manage("check", "--deploy", "--fail-level", "WARNING", environ=environ)
    manage("migrate", "--noinput", "--verbosity", "0", environ=environ)
    manage("shell", "-c", MAKE_USER, environ=environ)
    port = free_port()
    print(f"== gunicorn on 127.0.0.1:{port}", flush=True)
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "zhongwei_carbon.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=BASE_DIR, env=environ,
    )
    try:
        client = Client(port)
        for _ in range(60):
            try:
                status, _r, _b = client.request("GET", "/healthz/")
                break
            except OSError:
                time.sleep(0.5)
        else:
            expect(False, "gunicorn answers")
        expect(status == 200, "/healthz/ 200")
        status, _r, page = client.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        expect(status == 200 and token is not None, "login form 200 with a CSRF token")
        body = urlencode({"username": USER, "password": PASSWORD,
                          "csrfmiddlewaretoken": token.group(1)})
        status, response, _b = client.request("POST", "/accounts/login/", body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{port}/accounts/login/"})
        expect(status == 302 and "sessionid" in client.cookies, "login 302 with a session")
        status, _r, page = client.request("GET", "/registry/enterprises/")
        expect(status == 200 and "企业" in page, "logged-in page /registry/enterprises/ 200")
        css = re.search(r'href="(/static/vendor/bootstrap-5\.3\.8\.min\.[0-9a-f]{12}\.css)"', page)
        expect(css is not None, "page links the hashed (manifest) stylesheet")
        status, _r, _b = client.request("GET", css.group(1))
        expect(status == 200, f"{css.group(1)} 200 (whitenoise)")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        print("== gunicorn stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
