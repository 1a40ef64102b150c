"""Time the tally and measure its peak memory against a throwaway PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fsa DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python bench/tally.py                      # 1,000 and 10,000 nominations x 50 jurors x 6
    ... bench/tally.py --small                               # smoke: 100 x 10 x 6 (also runs on SQLite)

For each size: one edition whose scoring has closed, every juror scoring every nomination on six
criteria (scorecards and scores by INSERT ... SELECT, scores from a fixed formula), a chain event for
every scorecard (hashed in Python, sent with COPY). Then, each in a fresh subprocess (so ru_maxrss is
its own): the single raw SQL weighted-mean GROUP BY, the ranking alone (tally.ranking_only), and the
task's whole work (services.tally.tally_run: input digest, the tally with the report, the chain
integrity check, storing the row). Prints the times, the ratios to the raw query, peak memory, and the
CPU seconds of the tally's Python process and of its PostgreSQL backend (and the raw query's backend).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

from nominations_screening import throwaway_database  # noqa: E402

CRITERIA = 6
VALUE_SQL = "1 + ((sc.id * 2654435761 + c.position * 40503) %% 1000003) %% 5"


def value_of(scorecard_id: int, position: int) -> int:
    return 1 + ((scorecard_id * 2654435761 + position * 40503) % 1000003) % 5


def populate(nominations: int, jurors: int) -> int:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from awards.models import Award, Criterion, Edition
    from jury.chain import GENESIS, canonical_json, event_hash
    from jury.models import JuryMember
    from nominations.models import Nomination

    now = timezone.now()
    award, _ = Award.objects.get_or_create(slug="startup", defaults={"name": "Flemingsberg Science Award STARTUP"})
    edition = Edition.objects.create(
        award=award,
        year=2000 + Edition.objects.count(),
        nominations_open_at=now - timedelta(days=90),
        nominations_close_at=now - timedelta(days=60),
        scoring_open_at=now - timedelta(days=30),
        scoring_close_at=now - timedelta(days=1),
        announce_at=now + timedelta(days=30),
        quorum=3,
    )
    weights = ["3.00", "2.00", "2.00", "1.50", "1.00", "1.00"]
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(
                edition=edition,
                position=i,
                name_sv=f"K{i}",
                name_en=f"C{i}",
                weight=weights[i],
                scale_min=1,
                scale_max=5,
            )
            for i in range(CRITERIA)
        ]
    )
    password = make_password(None)
    people = User.objects.bulk_create(
        [User(email=f"juror{edition.pk}-{j}@bench.example", password=password) for j in range(jurors)]
    )
    JuryMember.objects.bulk_create(
        [JuryMember(edition=edition, user=u, code=f"J-{edition.pk:02X}{j:06X}") for j, u in enumerate(people)]
    )
    Nomination.objects.bulk_create(
        [
            Nomination(edition=edition, startup_name=f"Startup {n:05d} AB", status="eligible", submitted_at=now)
            for n in range(nominations)
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO jury_scorecard (juror_id, nomination_id, status, comment, created_at, updated_at, submitted_at) "
            "SELECT m.user_id, n.id, 'submitted', '', %s, %s, %s FROM nominations_nomination n "
            "CROSS JOIN jury_jurymember m WHERE n.edition_id = %s AND m.edition_id = %s ORDER BY n.id, m.user_id",
            [now, now, now, edition.pk, edition.pk],
        )
        cursor.execute(
            f"INSERT INTO jury_score (scorecard_id, criterion_id, value) SELECT sc.id, c.id, {VALUE_SQL} "  # noqa: S608
            "FROM jury_scorecard sc JOIN nominations_nomination n ON n.id = sc.nomination_id "
            "CROSS JOIN awards_criterion c WHERE n.edition_id = %s AND c.edition_id = %s",
            [edition.pk, edition.pk],
        )
        cursor.execute(
            "SELECT sc.id, sc.nomination_id, m.code FROM jury_scorecard sc JOIN nominations_nomination n "
            "ON n.id = sc.nomination_id JOIN jury_jurymember m ON m.user_id = sc.juror_id AND m.edition_id = n.edition_id "
            "WHERE n.edition_id = %s ORDER BY sc.id",
            [edition.pk],
        )
        cards = cursor.fetchall()
    at = (now - timedelta(days=2)).astimezone(UTC).isoformat(timespec="microseconds")
    prev = GENESIS
    rows = []
    for seq, (card, nomination, code) in enumerate(cards, start=1):
        payload = {
            "v": 1,
            "edition": edition.pk,
            "seq": seq,
            "kind": "submitted",
            "scorecard": card,
            "nomination": nomination,
            "juror": code,
            "scores": {str(c.pk): value_of(card, c.position) for c in criteria},
            "at": at,
        }
        digest = event_hash(prev, payload)
        rows.append((edition.pk, seq, "submitted", card, canonical_json(payload).decode(), prev, digest, now))
        prev = digest
    columns = "(edition_id, seq, kind, scorecard_id, payload, prev_hash, hash, created_at)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY jury_scoreevent {columns} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO jury_scoreevent {columns} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return edition.pk


RAW_SQL = """
SELECT sc.nomination_id,
       SUM(c.weight * (s.value - c.scale_min) / (c.scale_max - c.scale_min)) / SUM(c.weight) AS mean
FROM jury_score s
JOIN jury_scorecard sc ON sc.id = s.scorecard_id
JOIN nominations_nomination n ON n.id = sc.nomination_id
JOIN awards_criterion c ON c.id = s.criterion_id
WHERE n.edition_id = %s AND sc.status = 'submitted'
GROUP BY sc.nomination_id
"""


def measure(what: str, edition_id: int) -> None:
    """In a fresh process: do one thing, print seconds and peak memory as JSON."""
    import django

    django.setup()
    from django.db import connection

    from awards.models import Edition
    from jury.verdict.models import TallyRun
    from jury.verdict.services.tally import tally_run
    from jury.verdict.tally import ranking_only

    edition = Edition.objects.get(pk=edition_id)
    if what == "tally":  # not measured: the previous run's row, without loading its result
        TallyRun.objects.filter(edition=edition).only("id").delete()
    backend = _backend_cpu_reader(connection)
    baseline = _peak_kib()
    backend_before = backend()
    cpu_before = time.process_time()
    started = time.perf_counter()
    if what == "raw":
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, [edition_id])
            rows = len(cursor.fetchall())
    elif what == "ranking":
        rows = len(ranking_only(edition))
    else:
        run = tally_run(edition=edition, trigger="schedule")
        rows = len(run.result["ranking"])
        assert run.integrity_ok, run.problems[:3]
    seconds = time.perf_counter() - started
    python_cpu = time.process_time() - cpu_before
    backend_after = backend()
    database_cpu = None if backend_after is None else backend_after - backend_before
    peak = _peak_kib()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_kib": peak,
                "baseline_kib": baseline,
                "rows": rows,
                "python_cpu": python_cpu,
                "database_cpu": database_cpu,
            }
        )
    )


def _peak_kib() -> int:
    """This process's peak resident memory. VmHWM belongs to the process image, so it starts afresh at
    exec; ru_maxrss does not (Linux carries the parent's high-water mark over fork and exec, and the
    parent holds the chain it just wrote)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _backend_cpu_reader(connection):
    """CPU seconds used so far by this connection's PostgreSQL backend, read from /proc when the server
    runs on this machine (None otherwise; parallel workers are not counted). On a shared machine the
    wall-clock figures depend on the share of the cores the run got; the CPU figures much less."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    path = Path(f"/proc/{pid}/stat")
    if not path.exists():
        return lambda: None
    ticks = os.sysconf("SC_CLK_TCK")

    def read():
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks

    return read


def run_child(what: str, edition_id: int, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", what, "--edition", str(edition_id)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cpu(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="smoke run: 100 nominations x 10 jurors")
    parser.add_argument("--sizes", default="1000x50,10000x50", help="NOMINATIONSxJURORS,... (default 1000x50,10000x50)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is shown")
    parser.add_argument("--verbose", action="store_true", help="print every measurement's JSON")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--edition", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.edition)
        return
    sizes = [(100, 10)] if args.small else [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
    repeat = 1 if args.small else args.repeat
    with throwaway_database("bench-tally-") as connection:
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        else:
            url = f"sqlite:///{db['NAME']}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test")
        print(f"{connection.vendor}; best of {repeat}; each measurement in a fresh process")
        header = (
            f"{'scores':>10}{'raw SQL s':>11}{'ranking s':>11}{'ratio':>7}{'tally s':>10}{'ratio':>7}{'peak MiB':>10}"
            f"{'tally py CPU s':>16}{'tally pg CPU s':>16}{'raw pg CPU s':>14}"
        )
        lines = []
        for nominations, jurors in sizes:
            started = time.perf_counter()
            edition_id = populate(nominations, jurors)
            print(f"filled {nominations} x {jurors} x {CRITERIA} in {time.perf_counter() - started:.1f} s", flush=True)
            best = {}
            for what in ("raw", "ranking", "tally"):
                runs = [run_child(what, edition_id, env) for _ in range(repeat)]
                if args.verbose:
                    for run in runs:
                        print(what, json.dumps(run), flush=True)
                best[what] = min(runs, key=lambda r: r["seconds"])
                best[what]["peak_kib"] = max(r["peak_kib"] for r in runs)
            raw = best["raw"]["seconds"]
            lines.append(
                f"{nominations * jurors * CRITERIA:>10,}{raw:>11.3f}{best['ranking']['seconds']:>11.3f}"
                f"{best['ranking']['seconds'] / raw:>7.2f}{best['tally']['seconds']:>10.3f}"
                f"{best['tally']['seconds'] / raw:>7.2f}{best['tally']['peak_kib'] / 1024:>10.1f}"
                f"{_cpu(best['tally'].get('python_cpu')):>16}{_cpu(best['tally'].get('database_cpu')):>16}"
                f"{_cpu(best['raw'].get('database_cpu')):>14}"
            )
            print(header, *lines, sep="\n", flush=True)


if __name__ == "__main__":
    main()
