"""bin/audit_dependencies.py: a finding fails the run, a missing network only warns, ignores need reasons."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BASE_DIR

SCRIPT = Path(BASE_DIR) / "bin" / "audit_dependencies.py"


@pytest.fixture
def audit(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ignore = tmp_path / "pip-audit-ignore.txt"
    ignore.write_text("# none\n")
    monkeypatch.setattr(module, "IGNORE_FILE", ignore)
    monkeypatch.setattr(module, "database_reachable", lambda: True)
    return module


def answer(monkeypatch, audit, dependencies, calls=None):
    def run(command, **kwargs):
        if calls is not None:
            calls.append(command)
        return subprocess.CompletedProcess(command, 1, json.dumps({"dependencies": dependencies, "fixes": []}), "")

    monkeypatch.setattr(audit.subprocess, "run", run)


def test_a_known_vulnerability_fails_the_run(audit, monkeypatch, capsys):
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["6.1.4"], "aliases": [], "description": ""}
    answer(monkeypatch, audit, [{"name": "django", "version": "6.1.3", "vulns": [vuln]}])

    assert audit.main() == 1
    assert "django 6.1.3: PYSEC-2099-1 (fixed in 6.1.4)" in capsys.readouterr().err


def test_no_vulnerability_passes(audit, monkeypatch, capsys):
    answer(monkeypatch, audit, [{"name": "django", "version": "6.1.3", "vulns": []}])

    assert audit.main() == 0
    assert "no known vulnerabilities in 1 audited packages" in capsys.readouterr().out


def test_an_unreachable_database_warns_and_passes(audit, monkeypatch, capsys):
    monkeypatch.setattr(audit, "database_reachable", lambda: False)

    assert audit.main() == 0
    assert "unreachable: dependencies NOT audited" in capsys.readouterr().err


def test_a_database_that_knows_nothing_warns_and_passes(audit, monkeypatch, capsys):
    answer(monkeypatch, audit, [{"name": "django", "version": "6.1.3", "skip_reason": "not found"}])

    assert audit.main() == 0
    assert "NOT audited" in capsys.readouterr().err


def test_ignored_ids_are_passed_on_and_need_a_reason(audit, monkeypatch):
    audit.IGNORE_FILE.write_text("GHSA-xxxx-yyyy-zzzz  # only affects the MySQL backend, which we do not use\n")
    calls = []
    answer(monkeypatch, audit, [{"name": "django", "version": "6.1.3", "vulns": []}], calls)

    assert audit.main() == 0
    assert calls[0][calls[0].index("--ignore-vuln") + 1] == "GHSA-xxxx-yyyy-zzzz"

    audit.IGNORE_FILE.write_text("GHSA-xxxx-yyyy-zzzz\n")
    with pytest.raises(SystemExit, match="needs its reason"):
        audit.main()
