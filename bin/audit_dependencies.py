"""pip-audit over the pinned requirements, tolerant of a missing network but not of a finding.

Exit 0 when nothing vulnerable is found, or when the vulnerability database cannot be reached (with a
warning saying nothing was audited); exit 1 on a known vulnerability not listed, with its reason, in
security/pip-audit-ignore.txt."""

import json
import subprocess  # nosec B404
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ["requirements/base.txt", "requirements/nodeps.txt", "requirements/dev.txt"]
IGNORE_FILE = ROOT / "security" / "pip-audit-ignore.txt"
PROBE_URL = "https://pypi.org/pypi/pip/json"


def warn(message: str) -> None:
    print(f"WARNING: pip-audit: {message}", file=sys.stderr)


def ignored_ids() -> list[str]:
    """One vulnerability id a line, then its reason after '#'; a line without a reason is an error."""
    ids = []
    for number, line in enumerate(IGNORE_FILE.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        vuln_id, _, reason = line.partition("#")
        if not reason.strip():
            sys.exit(f"{IGNORE_FILE.name}:{number}: every ignored vulnerability needs its reason after '#'")
        ids.append(vuln_id.strip())
    return ids


def database_reachable() -> bool:
    try:
        with urllib.request.urlopen(PROBE_URL, timeout=10) as response:  # a fixed https URL  # nosec B310
            return response.status == 200
    except OSError:
        return False


def main() -> int:
    if not database_reachable():
        warn(f"the vulnerability database ({PROBE_URL}) is unreachable: dependencies NOT audited.")
        return 0
    command = [str(Path(sys.executable).parent / "pip-audit"), "--no-deps", "--disable-pip", "--format", "json"]
    command += ["--progress-spinner", "off"]
    for requirements in REQUIREMENTS:
        command += ["-r", str(ROOT / requirements)]
    for vuln_id in ignored_ids():
        command += ["--ignore-vuln", vuln_id]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)  # noqa: S603 - our own argument list  # nosec B603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        network = any(word in result.stderr.lower() for word in ("connection", "timed out", "resolve", "network"))
        if network:
            warn("the vulnerability database stopped answering: dependencies NOT audited.\n" + result.stderr[-2000:])
            return 0
        print(result.stderr, file=sys.stderr)
        return 1
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})", file=sys.stderr)
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} vulnerable package(s); upgrade, or explain in {IGNORE_FILE}.")
        return 1
    if not audited:
        warn(f"the vulnerability database knew none of the {len(skipped)} pinned packages: NOT audited.")
        return 0
    if skipped:
        warn(f"{len(skipped)} package(s) not audited: " + ", ".join(d["name"] for d in skipped))
    print(f"pip-audit: no known vulnerabilities in {len(audited)} audited packages.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
