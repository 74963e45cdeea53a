"""Dependency and code checks (issue 10 §9), run by `make audit` and `.ci/run`.

1. bandit on the shipped code (settings in pyproject's [tool.bandit]): any medium or high finding
   fails.
2. pip-audit on requirements.lock (every pinned package, runtime and test): a known
   vulnerability fails unless its id is in pyproject's [tool.zhongwei.audit] ignore table with
   the reason it does not apply.

pip-audit asks PyPI's per-release JSON API (or OSV) for advisories. Where the network lets only
package downloads through (this workplace's machines answer 404 on that API), no package can
be audited: that is reported loudly with the count, and the step passes only if the caller
did not ask for --strict; it never reports such a run as "no known vulnerabilities".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCK = ROOT / "requirements.lock"


def run_bandit() -> bool:
    cmd = [str(BIN / "bandit"), "-c", "pyproject.toml", "-ll", "-q", "-r", "."]
    print("== bandit:", " ".join(cmd[1:]), flush=True)
    done = subprocess.run(cmd, cwd=ROOT)
    print("bandit:", "clean" if done.returncode == 0 else "FINDINGS (see above)", flush=True)
    return done.returncode == 0


def ignored_vulns() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config.get("tool", {}).get("zhongwei", {}).get("audit", {}).get("ignore", {})


def run_pip_audit(*, strict: bool) -> bool:
    ignore = ignored_vulns()
    cmd = [str(BIN / "pip-audit"), "-r", str(LOCK), "--no-deps", "--disable-pip",
           "--progress-spinner", "off", "-f", "json"]
    for vuln_id in ignore:
        cmd += ["--ignore-vuln", vuln_id]
    print("== pip-audit:", " ".join(cmd[1:]), flush=True)
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        print("pip-audit: could not run", file=sys.stderr)
        return False
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = [d for d in deps if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    for vuln_id, reason in ignore.items():
        print(f"ignored {vuln_id}: {reason}")
    print(f"pip-audit: {len(audited)} of {len(deps)} pinned packages audited, "
          f"{len(vulnerable)} vulnerable, {len(skipped)} not auditable", flush=True)
    if skipped and not audited:
        print("WARNING: the advisory service could not be reached for any package "
              f"(e.g. {skipped[0]['skip_reason']}); the dependency audit was NOT performed.",
              file=sys.stderr)
        return not strict
    if skipped and strict:
        return False
    return not vulnerable


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true",
                        help="fail when pip-audit cannot audit a package (no advisory service)")
    args = parser.parse_args()
    code_ok = run_bandit()
    deps_ok = run_pip_audit(strict=args.strict)
    return 0 if code_ok and deps_ok else 1


if __name__ == "__main__":
    sys.exit(main())
