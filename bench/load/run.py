"""Load the site through gunicorn with production settings and compare each page with a bare Django view.

    .venv/bin/python bench/load/run.py            # 500 nominations x 50 jurors, 16 connections, 15 s a page
    .venv/bin/python bench/load/run.py --smoke    # 20 x 5, 2 s a page: for CI

A throwaway PostgreSQL database (test_<name>_<pid> beside DATABASE_URL's, default
postgres://postgres@127.0.0.1:5432/fsa_load) is migrated and filled: an edition in its scoring phase
(bench/jury_pages.py's: a rubric, N eligible nominations, J jurors with TOTP, a released plan giving every
juror every nomination, a fifth of them scored), an edition open for nominations with its rubric, and a
verified startup with a draft there, then ANALYZEd (a live database has the statistics autovacuum gathers). The juror and the startup get a session in the database, as allauth
leaves it after a password and (for the juror) a TOTP login; its cookie is sent with each request.

Static files are collected as the image does, and gunicorn starts with config/gunicorn.py (sync workers,
one per core) on bench.load.settings: production settings with the ceiling's URL added, answering plain
http on loopback through DJANGO_SECURE_SSL_REDIRECT=false and X-Forwarded-Proto: https (as the TLS proxy
sends it). Redis (REDIS_URL, default redis://127.0.0.1:6379/15) is the cache and the broker.

Each page is loaded by wrk (installed with apt-get when missing and possible; else a Python load tool
here) with --connections for --warmup seconds, then for --duration seconds measured; any answer but a
2xx, and any socket error or timeout, is an error. The ceiling is measured before and after the pages,
and their mean is what each page is compared with. The script prints the figures and PASS/FAIL for
each target, and exits 0 whatever they are.
"""

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

LOAD_DIR = Path(__file__).resolve().parent
BENCH_DIR = LOAD_DIR.parent
BASE_DIR = BENCH_DIR.parent
sys.path[:0] = [str(BASE_DIR), str(BENCH_DIR)]

import jury_pages  # noqa: E402
from nominations_screening import FILLER, percentile, throwaway_database  # noqa: E402

RATIO_TARGET = 0.5
P99_TARGET_MS = 250.0
HOST = "127.0.0.1"
# As the TLS-terminating proxy in front of gunicorn sends it; production trusts it (SECURE_PROXY_SSL_HEADER).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

WRK_SCRIPT = r"""
-- Counts every answer that is not a 2xx (wrk itself counts only >= 400) and prints one JSON line.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "non2xx": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), bad,
    e.connect, e.read, e.write, e.timeout))
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--duration", type=float, default=15.0, help="measured seconds per page (default 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each (default 3)")
    parser.add_argument("--nominations", type=int, default=500, help="nominations in scoring (default 500)")
    parser.add_argument("--jurors", type=int, default=50, help="jurors, each assigned every nomination (default 50)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: config/gunicorn.py's, one per core)")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto", help="load generator")
    parser.add_argument("--smoke", action="store_true", help="2 s a page on 20 nominations x 5 jurors")
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.warmup, args.nominations, args.jurors = 2.0, 0.5, 20, 5
    return args


# ---------------------------------------------------------------------------------------------------
# Data


def populate(count: int, juror_count: int) -> dict:
    """The scoring edition of bench/jury_pages.py, an edition open for nominations with its rubric, and a
    verified startup with a draft nomination there."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import User
    from awards.models import Award, Criterion, CriterionLevel, Edition
    from nominations.services import nomination_create

    juror, _ = jury_pages.populate(count, juror_count)
    scoring_edition = Edition.objects.get(year=2040)

    now = timezone.now()
    award = Award.objects.get(slug="startup")
    award.tagline_sv = award.tagline_en = "The award for the startup from Flemingsberg."
    award.description_sv = award.description_en = FILLER[:900]
    award.save()
    open_edition = Edition.objects.create(
        award=award,
        year=2041,
        nominations_open_at=now - timedelta(days=10),
        nominations_close_at=now + timedelta(days=30),
        scoring_open_at=now + timedelta(days=37),
        scoring_close_at=now + timedelta(days=58),
        announce_at=now + timedelta(days=72),
        intro_sv=FILLER[:800],
        intro_en=FILLER[:800],
        eligibility_sv=FILLER[:600],
        eligibility_en=FILLER[:600],
        prize_sv=FILLER[:300],
        prize_en=FILLER[:300],
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            edition=open_edition,
            position=p,
            name_sv=name,
            name_en=name,
            guidance_sv=FILLER[:300],
            guidance_en=FILLER[:300],
        )
        for p, name in enumerate(jury_pages.CRITERIA)
    )
    CriterionLevel.objects.bulk_create(
        CriterionLevel(criterion=c, value=v, descriptor_sv=f"Nivå {v}", descriptor_en=f"Level {v}")
        for c in criteria
        for v in range(c.scale_min, c.scale_max + 1)
    )

    startup = User.objects.create_user("startup@bench.example", name="Maja Ek")
    EmailAddress.objects.create(user=startup, email=startup.email, verified=True, primary=True)
    draft = nomination_create(
        actor=startup,
        edition=open_edition,
        data={
            "startup_name": "Bench Draft AB",
            "website": "https://draft.example",
            "city": "Huddinge",
            "pitch": FILLER[:150],
            "problem": FILLER[:1400],
            "solution": FILLER[:700],
        },
    )
    return {
        "juror": juror,
        "startup": startup,
        "draft": draft,
        "open_edition": open_edition,
        "scoring_edition": scoring_edition,
    }


def session_cookie_for(user, *, mfa: bool) -> str:
    """A database session as django.contrib.auth.login and allauth leave it after a password login (and a
    TOTP code, with `mfa`); returns the session cookie's value."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.session_store import SessionStore

    methods = [{"method": "password", "at": time.time(), "email": user.email}]
    if mfa:
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        methods.append({"method": "mfa", "at": time.time(), "id": totp.pk, "type": totp.type})
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = methods
    session.create()
    return session.session_key


# ---------------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def with_database(url: str, name: str) -> str:
    """DATABASE_URL with another database name."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def venv_bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else shutil.which(name) or name


def http_get(port: int, path: str, headers: dict[str, str], timeout: float = 30) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def csrf_cookie(port: int, name: str) -> str:
    """The CSRF cookie a browser holds once it has seen a form (the login page's): sent back with every
    logged-in request, as a browser does, so the pages reuse its secret instead of making a new one."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", "/accounts/login/", headers=PROXY_HEADERS)
        response = connection.getresponse()
        response.read()
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    finally:
        connection.close()
    if name not in cookies:
        raise SystemExit(f"the login page set no {name} cookie (answered {response.status})")
    return cookies[name].value


def start_gunicorn(env: dict[str, str], log_path: Path, port: int) -> subprocess.Popen:
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [venv_bin("gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if http_get(port, "/healthz", PROXY_HEADERS, timeout=2)[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s:\n{log_path.read_text()[-3000:]}")


def server_cpu_seconds(master_pid: int) -> float | None:
    """CPU time used so far by gunicorn's master and its workers, counting workers that have already been
    recycled (the master reaped them, so their time is in its children's time). Linux only, else None."""

    def stat(pid: int | str) -> list[str]:
        text = Path(f"/proc/{pid}/stat").read_text()
        return text[text.rindex(")") + 2 :].split()  # from field 3 (state) on; field n is at index n - 3

    try:
        master = stat(master_pid)
        ticks = sum(int(x) for x in master[11:15])  # utime, stime, cutime, cstime
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = stat(entry)
                except OSError:  # gone meanwhile
                    continue
                if int(fields[1]) == master_pid:  # ppid
                    ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return None


class DatabaseCpu:
    """CPU time of the PostgreSQL backends serving one database (a local server whose processes /proc shows),
    sampled every 0.1 s from a thread while the load runs: a backend that ends (its gunicorn worker was
    recycled) keeps what it had used at its last sample. Linux only; `seconds` is None where it cannot read."""

    def __init__(self, database: str) -> None:
        self.marker = f" {database} ".encode()
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.readable = True
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            entries = [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
        except OSError:
            self.readable = False
            return
        for pid in entries:
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
                if not command.startswith(b"postgres: ") or self.marker not in command:
                    continue
                text = Path(f"/proc/{pid}/stat").read_text()
            except OSError:  # gone meanwhile, or not ours to read
                continue
            fields = text[text.rindex(")") + 2 :].split()
            self.last[pid] = int(fields[11]) + int(fields[12])

    def _run(self) -> None:
        while not self.stopping.wait(0.1):
            self._sample()

    def __enter__(self) -> "DatabaseCpu":
        self._sample()
        self.first = dict(self.last)  # the backends' time so far is not this run's
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join()
        self._sample()

    @property
    def seconds(self) -> float | None:
        if not self.readable or not self.last:
            return None
        used = sum(ticks - self.first.get(pid, 0) for pid, ticks in self.last.items())  # new backends from 0
        return used / os.sysconf("SC_CLK_TCK")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # gunicorn's graceful stop
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------------------------------
# Load generators


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float | None = None  # gunicorn's CPU time per request, workers and master together
    db_cpu_ms: float | None = None  # the PostgreSQL backends' CPU time per request

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_version(wrk: str) -> str:
    completed = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False, timeout=10)
    first = (completed.stdout or completed.stderr).splitlines()
    return first[0].split(" [")[0] if first else wrk


def find_wrk(tool: str) -> str | None:
    """wrk on PATH; else Debian's package when we may install it; else None (the Python tool is used)."""
    if tool == "python":
        return None
    found = shutil.which("wrk")
    if found is None and shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is missing: installing Debian's package ...", flush=True)
        install = ["apt-get", "install", "-y", "-q", "wrk"]
        for command in (install, ["apt-get", "update", "-q"], install):  # the lists may be stale at first
            subprocess.run(command, capture_output=True, check=False, timeout=600)
            found = shutil.which("wrk")
            if found:
                break
    if found is None and tool == "wrk":
        raise SystemExit("wrk is not installed and could not be installed (try --tool python)")
    return found


def run_wrk(wrk: str, script: Path, url: str, headers: dict[str, str], connections: int, seconds: float) -> Result:
    command = [
        wrk,
        f"--connections={connections}",
        f"--threads={min(2, connections)}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        f"--script={script}",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    completed = subprocess.run([*command, url], capture_output=True, text=True, check=False, timeout=seconds + 60)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("WRK-RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(line.removeprefix("WRK-RESULT "))
    socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["non2xx"] + socket_errors,
    )


def run_python(port: int, path: str, headers: dict[str, str], connections: int, seconds: float) -> Result:
    """A thread per connection, each sending GETs back to back for `seconds` on a keep-alive connection
    (reopened when the server closes it, as gunicorn's sync workers do after each response)."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop_at = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if not 200 <= response.status < 300:
                    errors[index] += 1
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                continue
            latencies[index].append((time.perf_counter() - started) * 1000)
        connection.close()

    begun = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begun
    samples = [x for per_thread in latencies for x in per_thread]
    return Result(
        requests=len(samples) + sum(errors),
        seconds=elapsed,
        p50_ms=percentile(samples, 0.50) if samples else 0.0,
        p99_ms=percentile(samples, 0.99) if samples else 0.0,
        errors=sum(errors),
    )


# ---------------------------------------------------------------------------------------------------
# Reporting


def machine_description(connection, redis_url: str) -> list[tuple[str, str]]:
    cpu = "unknown"
    memory = "unknown"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE).group(1).strip()
        kib = int(re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE).group(1))
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    try:
        import redis

        redis_version = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    except Exception as error:  # only for the report
        redis_version = f"unreachable ({error})"
    import django
    import gunicorn

    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("RAM", memory),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("gunicorn", gunicorn.__version__),
        ("PostgreSQL", postgres),
        ("Redis", redis_version),
    ]


def print_report(
    results: list[tuple[str, str, Result]], ceiling: tuple[Result, Result], args, tool: str, workers: str
) -> None:
    ceiling_rps = (ceiling[0].rps + ceiling[1].rps) / 2
    ceiling_cpu = None
    if ceiling[0].cpu_ms is not None and ceiling[1].cpu_ms is not None:
        ceiling_cpu = (ceiling[0].cpu_ms + ceiling[1].cpu_ms) / 2
    print()
    print(
        f"{args.connections} connections, {args.duration:g} s each after {args.warmup:g} s of warm-up, "
        f"{tool}; gunicorn: {workers} sync workers; ceiling = mean of its two runs ({ceiling_rps:.0f} rps)"
    )
    header = (
        f"{'page':<26} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'/ceiling':>9}"
        f" {'CPU ms/req':>11} {'CPU est.':>9} {'DB ms/req':>10}   targets"
    )
    print(header)
    print("-" * (len(header) + 30))
    for name, _, result in results:
        ratio = result.rps / ceiling_rps if ceiling_rps else 0.0
        is_ceiling = name.startswith("ceiling")
        verdicts = []
        if not is_ceiling:
            verdicts.append(f"rps {'PASS' if ratio >= RATIO_TARGET else 'FAIL'}")
        verdicts.append(f"p99 {'PASS' if result.p99_ms < P99_TARGET_MS else 'FAIL'}")
        verdicts.append(f"errors {'PASS' if result.errors == 0 else 'FAIL'}")
        cpu = f"{result.cpu_ms:.2f}" if result.cpu_ms is not None else "?"
        estimate = f"{ceiling_cpu / result.cpu_ms:.0%}" if ceiling_cpu and result.cpu_ms else "?"
        db_cpu = f"{result.db_cpu_ms:.2f}" if result.db_cpu_ms is not None else "?"
        print(
            f"{name:<26} {result.rps:>8.1f} {result.p50_ms:>8.1f} {result.p99_ms:>8.1f} {result.errors:>7} "
            f"{ratio:>9.0%} {cpu:>11} {estimate:>9} {db_cpu:>10}   {', '.join(verdicts)}"
        )
    print(
        f"targets: each page >= {RATIO_TARGET:.0%} of the ceiling's rps, p99 < {P99_TARGET_MS:.0f} ms, no error "
        "(any answer but a 2xx, or a socket error or timeout)"
    )
    print(
        "CPU ms/req: gunicorn's CPU time (workers and master, recycled workers included) per request; it does not\n"
        "depend on the CPU share the server got, so 'CPU est.' (the ceiling's CPU per request over the page's)\n"
        "estimates the rps ratio on an idle machine when other work competes for the cores (PostgreSQL not counted).\n"
        "DB ms/req: the CPU time of the PostgreSQL backends serving the throwaway database per request (sampled\n"
        "from /proc every 0.1 s; '?' when the server's processes cannot be seen): on the same cores, it competes."
    )


# ---------------------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fsa_load")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    # One key for this process (which writes the sessions) and gunicorn (which reads them).
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    wrk = find_wrk(args.tool)
    tool = wrk_version(wrk) if wrk else "the Python load tool (threads + http.client)"
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="bench-load-"))
    with throwaway_database("bench-load-") as connection:
        if connection.vendor != "postgresql":
            raise SystemExit("bench/load needs PostgreSQL: set DATABASE_URL=postgres://...")
        data = populate(args.nominations, args.jurors)
        # Planner statistics, as autovacuum gathers them on a live database; a freshly filled one has none
        # and the planner then takes nested loops over every assignment for the juror's answers.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        juror_cookie = session_cookie_for(data["juror"], mfa=True)
        startup_cookie = session_cookie_for(data["startup"], mfa=False)
        database = connection.settings_dict["NAME"]
        machine = machine_description(connection, os.environ["REDIS_URL"])
        print(
            f"PostgreSQL database {database}: migrated and filled with {args.nominations} nominations x "
            f"{args.jurors} jurors in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        connection.close()

        from django.conf import settings

        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.load.settings",
            "PYTHONPATH": str(BASE_DIR),
            "DATABASE_URL": with_database(os.environ["DATABASE_URL"], database),
            "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": str(scratch / "static"),
            "MEDIA_ROOT": str(scratch / "media"),
            "GUNICORN_BIND": f"{HOST}:{port}",
            "EMAIL_URL": "consolemail://",
        }
        if args.workers:
            env["WEB_CONCURRENCY"] = str(args.workers)
        workers = env.get("WEB_CONCURRENCY") or str(getattr(os, "process_cpu_count", os.cpu_count)() or 1)
        collected = subprocess.run(
            [venv_bin("python"), "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if collected.returncode != 0:
            raise SystemExit(f"collectstatic failed:\n{collected.stdout}{collected.stderr}")

        log_path = scratch / "gunicorn.log"
        server = start_gunicorn(env, log_path, port)
        script = scratch / "non2xx.lua"
        script.write_text(WRK_SCRIPT)
        results = []
        try:
            # A logged-in browser sends its session cookie and the CSRF cookie it got with the login form.
            csrf = f"{settings.CSRF_COOKIE_NAME}={csrf_cookie(port, settings.CSRF_COOKIE_NAME)}"
            cookie = settings.SESSION_COOKIE_NAME
            pages = [
                ("public edition page", f"/editions/{data['open_edition'].year}/", {}),
                ("juror dashboard", "/jury/", {"Cookie": f"{cookie}={juror_cookie}; {csrf}"}),
                (
                    "nomination form",
                    f"/nominations/{data['draft'].pk}/edit/",
                    {"Cookie": f"{cookie}={startup_cookie}; {csrf}"},
                ),
            ]
            ceiling = ("ceiling", f"/bench/ceiling/{data['scoring_edition'].pk}/", {})
            for name, path, headers in [ceiling, *pages]:
                status, _, body = http_get(port, path, {**PROXY_HEADERS, **headers})
                if status != 200:
                    print(f"warning: {name} {path} answered {status} before the load: {body[:300]!r}")
                else:
                    print(f"{name:<22} {path:<32} 200, {len(body) / 1024:.0f} KiB", flush=True)

            def load(name: str, path: str, headers: dict[str, str]) -> Result:
                headers = {**PROXY_HEADERS, **headers}
                url = f"http://{HOST}:{port}{path}"

                def once(seconds: float) -> Result:
                    if wrk:
                        return run_wrk(wrk, script, url, headers, args.connections, seconds)
                    return run_python(port, path, headers, args.connections, seconds)

                if args.warmup > 0:
                    once(args.warmup)
                cpu_before = server_cpu_seconds(server.pid)
                with DatabaseCpu(database) as database_cpu:
                    result = once(args.duration)
                cpu_after = server_cpu_seconds(server.pid)
                if cpu_before is not None and cpu_after is not None and result.requests:
                    result.cpu_ms = (cpu_after - cpu_before) * 1000 / result.requests
                if database_cpu.seconds is not None and result.requests:
                    result.db_cpu_ms = database_cpu.seconds * 1000 / result.requests
                load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
                cpu = f"{result.cpu_ms:.1f}" if result.cpu_ms is not None else "?"
                db_cpu = f"{result.db_cpu_ms:.1f}" if result.db_cpu_ms is not None else "?"
                print(
                    f"  {name:<24} {result.rps:8.1f} rps  p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
                    f"errors {result.errors}  CPU {cpu} ms/request, PostgreSQL {db_cpu}  (load average {load_average})",
                    flush=True,
                )
                return result

            print(f"\nloading each page for {args.warmup:g} + {args.duration:g} s ...", flush=True)
            first = load("ceiling (before)", ceiling[1], ceiling[2])
            results.append(("ceiling (before)", ceiling[1], first))
            for name, path, headers in pages:
                results.append((name, path, load(name, path, headers)))
            last = load("ceiling (after)", ceiling[1], ceiling[2])
            results.append(("ceiling (after)", ceiling[1], last))
        finally:
            stop(server)
            log = log_path.read_text(errors="replace")
            shutil.rmtree(scratch, ignore_errors=True)
    # config/gunicorn.py recycles a worker after about max_requests requests; a new one imports the site anew.
    restarts = max(0, log.count("Booting worker with pid") - int(workers))

    print_report(results, (first, last), args, tool, workers)
    print(f"gunicorn workers recycled during the run (max_requests): {restarts}")
    print("\nmachine (shared: other processes may have been running, so figures can be noisy):")
    for label, value in machine:
        print(f"  {label:<11} {value}")
    print(f"  load tool   {tool}")


if __name__ == "__main__":
    main()
