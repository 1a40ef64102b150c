"""Profile the load bench's pages in one process, on its data and with production settings.

    .venv/bin/python bench/load/profile_pages.py                      # CPU ms a request, each page
    .venv/bin/python bench/load/profile_pages.py --profile dashboard  # and cProfile's top functions

Builds run.py's throwaway PostgreSQL database and collects the static files the same way, then requests
each page through django.test.Client (with the proxy's X-Forwarded-Proto header, as gunicorn gets it):
once to warm up, then --repeat times, and prints this process's CPU time a request (the database server's
is not counted, as in run.py) and the number of queries. --profile runs cProfile over the named page's
requests and prints the functions with the most cumulative and own time.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOAD_DIR = Path(__file__).resolve().parent
BENCH_DIR = LOAD_DIR.parent
BASE_DIR = BENCH_DIR.parent
sys.path[:0] = [str(BASE_DIR), str(BENCH_DIR), str(LOAD_DIR)]

PAGES = ("ceiling", "edition", "dashboard", "form")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nominations", type=int, default=500, help="nominations in scoring (default 500)")
    parser.add_argument("--jurors", type=int, default=50, help="jurors (default 50)")
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--profile", choices=PAGES, action="append", default=[], help="cProfile this page")
    parser.add_argument("--top", type=int, default=35, help="functions printed per profile (default 35)")
    parser.add_argument("--sql", action="store_true", help="print each page's queries")
    parser.add_argument("--save-html", type=Path, metavar="DIR", help="write each page's HTML to DIR/<page>.html")
    return parser.parse_args()


def count_queries(connection, client, path: str, *, show: bool = False) -> int:
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.get(path)
    if show:
        for sql in sent:
            print(f"  {sql[:300]}")
    return len(sent)


def main() -> None:
    args = parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fsa_load")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.load.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(scratch / "static"),
        MEDIA_ROOT=str(scratch / "media"),
        EMAIL_URL="consolemail://",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, check=True, env=os.environ
    )
    import run
    from nominations_screening import throwaway_database

    try:
        with throwaway_database("bench-profile-") as connection:
            from django.conf import settings
            from django.core.cache import cache
            from django.test import Client

            data = run.populate(args.nominations, args.jurors)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # as run.py does
            cache.clear()
            cookie = settings.SESSION_COOKIE_NAME
            urls = {
                "ceiling": (f"/bench/ceiling/{data['scoring_edition'].pk}/", None),
                "edition": (f"/editions/{data['open_edition'].year}/", None),
                "dashboard": ("/jury/", run.session_cookie_for(data["juror"], mfa=True)),
                "form": (f"/nominations/{data['draft'].pk}/edit/", run.session_cookie_for(data["startup"], mfa=False)),
            }
            print(f"{'page':<12}{'CPU ms':>9}{'wall ms':>9}{'queries':>9}{'KiB':>7}")
            for name in PAGES:
                path, session = urls[name]
                client = Client(HTTP_X_FORWARDED_PROTO="https")
                if session:
                    client.cookies[cookie] = session
                response = client.get(path)
                assert response.status_code == 200, (name, response.status_code)
                if args.save_html:
                    args.save_html.mkdir(parents=True, exist_ok=True)
                    (args.save_html / f"{name}.html").write_bytes(response.content)
                queries = count_queries(connection, client, path, show=args.sql)
                profiler = cProfile.Profile() if name in args.profile else None
                cpu, wall = time.process_time(), time.perf_counter()
                if profiler:
                    profiler.enable()
                for _ in range(args.repeat):
                    response = client.get(path)
                if profiler:
                    profiler.disable()
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                print(
                    f"{name:<12}{cpu * 1000 / args.repeat:>9.2f}{wall * 1000 / args.repeat:>9.2f}"
                    f"{queries:>9}{len(response.content) / 1024:>7.0f}",
                    flush=True,
                )
                if profiler:
                    stats = pstats.Stats(profiler).strip_dirs()
                    stats.sort_stats("cumulative").print_stats(args.top)
                    stats.sort_stats("tottime").print_stats(args.top)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
