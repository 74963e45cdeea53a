"""The dependency audit (scripts/audit.py, issue 10 §9): the lock pins what pyproject asks for,
and the audit fails on a vulnerability unless it is justified in pyproject, and never passes
a run that audited nothing as clean in strict mode."""

import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent

_spec = importlib.util.spec_from_file_location("zw_audit", BASE_DIR / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("zw_audit", audit)
_spec.loader.exec_module(audit)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (BASE_DIR / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock line not pinned: {line}"
            pins[_normal(name)] = version
    return pins


def test_lock_pins_every_dependency_of_pyproject_at_the_same_version():
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    lock = _lock()
    for requirement in wanted:
        name, _, version = requirement.partition("==")
        name = _normal(name.split("[")[0])
        assert name in lock, f"{name} is in pyproject.toml but not in requirements.lock (make lock)"
        assert lock[name] == version, f"{name}: pyproject {version}, lock {lock[name]} (make lock)"


def _fake_pip_audit(monkeypatch, dependencies):
    calls = []

    def run(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1, stdout=json.dumps(
            {"dependencies": dependencies, "fixes": []}), stderr="")

    monkeypatch.setattr(audit.subprocess, "run", run)
    return calls


VULN = {"id": "GHSA-test-0001", "fix_versions": ["9.9"], "aliases": [], "description": "x"}


def test_a_known_vulnerability_fails_the_audit(monkeypatch, capsys):
    _fake_pip_audit(monkeypatch, [
        {"name": "django", "version": "5.2.19", "vulns": []},
        {"name": "openpyxl", "version": "3.1.5", "vulns": [VULN]},
    ])
    monkeypatch.setattr(audit, "ignored_vulns", lambda: {})
    assert audit.run_pip_audit(strict=False) is False
    assert "VULNERABLE openpyxl 3.1.5: GHSA-test-0001" in capsys.readouterr().out


def test_a_justified_exception_is_passed_to_pip_audit_and_printed(monkeypatch, capsys):
    calls = _fake_pip_audit(monkeypatch, [{"name": "django", "version": "5.2.19", "vulns": []}])
    monkeypatch.setattr(audit, "ignored_vulns", lambda: {"GHSA-test-0001": "not reachable"})
    assert audit.run_pip_audit(strict=True) is True
    assert calls[0][-2:] == ["--ignore-vuln", "GHSA-test-0001"]
    assert "ignored GHSA-test-0001: not reachable" in capsys.readouterr().out


@pytest.mark.parametrize("strict, passes", [(False, True), (True, False)])
def test_an_audit_that_reached_no_advisory_is_never_reported_clean(
    monkeypatch, capsys, strict, passes
):
    _fake_pip_audit(monkeypatch, [
        {"name": "django", "skip_reason": "Dependency not found on PyPI: django (5.2.19)"},
    ])
    monkeypatch.setattr(audit, "ignored_vulns", lambda: {})
    assert audit.run_pip_audit(strict=strict) is passes
    captured = capsys.readouterr()
    assert "0 of 1 pinned packages audited" in captured.out
    assert "NOT performed" in captured.err


def test_pyproject_has_no_unjustified_exception():
    for vuln_id, reason in audit.ignored_vulns().items():
        assert len(reason.strip()) > 20, f"{vuln_id} needs the reason it does not apply"
