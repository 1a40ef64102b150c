import json
import secrets
import subprocess
import sys

import pytest

from config.settings.base import mailer_from_url
from tests.conftest import BASE_DIR


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base_env = {"PATH": "/usr/bin:/bin", "HOME": str(BASE_DIR)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "award.example.org",
}


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}

    result = run_manage("check", **env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


SHOW_SETTINGS = (
    "from django.conf import settings as s; import json; "
    "print(json.dumps({'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
    "'cache': s.CACHES['default']['BACKEND'], 'db': s.DATABASES['default']['ENGINE'], "
    "'conn_max_age': s.DATABASES['default'].get('CONN_MAX_AGE')}))"
)


def test_without_redis_url_tasks_run_in_process_and_cache_is_local_memory():
    result = run_manage("shell", "-v", "0", "-c", SHOW_SETTINGS, DJANGO_SETTINGS_MODULE="config.settings.local")

    shown = json.loads(result.stdout)
    assert shown["eager"] is True
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["db"] == "django.db.backends.sqlite3"


def test_redis_url_makes_redis_the_broker_and_cache_and_postgres_keeps_connections():
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        SHOW_SETTINGS,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        REDIS_URL="redis://127.0.0.1:6379/3",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/fsa",
    )

    shown = json.loads(result.stdout)
    assert shown == {
        "eager": False,
        "broker": "redis://127.0.0.1:6379/3",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "db": "django.db.backends.postgresql",
        "conn_max_age": 60,
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("consolemail://", {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}),
        (
            "filemail:///var/mail/award",
            {
                "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "OPTIONS": {"file_path": "/var/mail/award"},
            },
        ),
        (
            "smtp+tls://user:secret@mail.example.org:587",
            {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "mail.example.org",
                    "port": 587,
                    "username": "user",
                    "password": "secret",
                    "use_tls": True,
                    "timeout": 20,
                },
            },
        ),
    ],
)
def test_email_url_becomes_the_deliver_mailer(url, expected):
    assert mailer_from_url(url) == expected
