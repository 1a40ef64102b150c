"""Security headers on every kind of response, with the production settings: pages, error pages (404,
403, 500, CSRF failure) and downloads (pitch deck, CSV and Excel exports, calendar, recovery codes);
secure, HttpOnly cookies."""

import importlib
import re
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import include, path, reverse

from nominations.services import nomination_store_pitch_deck
from tests.factories import EditionFactory, OrganiserFactory, SubmittedNominationFactory, UserFactory
from tests.nominations import pdfs

pytestmark = pytest.mark.django_db

PRODUCTION_SECURITY_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CSP",
    "X_FRAME_OPTIONS",
]
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def production_values(monkeypatch) -> dict:
    """The security settings as config.settings.production computes them from its environment."""
    monkeypatch.setenv("DJANGO_SECRET_KEY", "p" * 64)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "testserver")
    for name in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("config.settings.production", None)
    try:
        module = importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)
    return {name: getattr(module, name) for name in PRODUCTION_SECURITY_SETTINGS}


def boom(request):
    raise RuntimeError("a view that fails")


urlpatterns = [path("boom/", boom), path("", include("config.urls"))]


@pytest.fixture
def production(monkeypatch):
    values = production_values(monkeypatch)
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    with override_settings(**values):
        yield values


def assert_security_headers(response, what: str) -> None:
    headers = response.headers
    assert headers.get("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload", what
    csp = headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in csp, f"{what}: {directive!r} missing from {csp!r}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, what
    assert re.search(r"script-src 'self'( 'nonce-[^']+')?;", csp + ";"), f"{what}: {csp!r}"
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "same-origin", what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", what


def test_plain_http_is_sent_to_https(production, client):
    response = client.get(reverse("public:home"))

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


def test_pages_carry_the_headers_with_a_nonce_for_their_scripts(production, client):
    response = client.get(reverse("public:home"), **HTTPS)

    assert response.status_code == 200
    assert_security_headers(response, "home page")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts and nonce
    assert all(f'nonce="{nonce.group(1)}"' in tag for tag in scripts)


def test_not_found_page(production, client):
    response = client.get("/no-such-page/", **HTTPS)

    assert response.status_code == 404
    assert_security_headers(response, "404")


def test_forbidden_page(production, client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:login"), **HTTPS)

    assert response.status_code == 403
    assert_security_headers(response, "403")


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page(production):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/", **HTTPS)

    assert response.status_code == 500
    assert_security_headers(response, "500")


def test_csrf_failure_page(production):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"}, **HTTPS)

    assert response.status_code == 403
    assert_security_headers(response, "CSRF failure")


def test_downloads_carry_the_headers_and_are_attachments(production, client, settings):
    edition = EditionFactory()
    nomination = SubmittedNominationFactory(edition=edition)
    nomination_store_pitch_deck(
        actor=nomination.submitted_by, nomination=nomination, pitch_deck=pdfs.upload(pdfs.real_pdf())
    )
    client.force_login(OrganiserFactory())

    downloads = {
        "pitch deck": reverse("nominations:pitch_deck", args=[nomination.pk]),
        "CSV export": reverse("nominations:organiser_export", args=[edition.pk, "csv"]),
        "Excel export": reverse("nominations:organiser_export", args=[edition.pk, "xlsx"]),
    }
    for what, url in downloads.items():
        response = client.get(url, **HTTPS)
        assert response.status_code == 200, what
        assert response["Content-Disposition"].startswith("attachment;"), what
        assert_security_headers(response, what)

    calendar = client.get(reverse("awards:edition_calendar", args=[edition.year]), **HTTPS)
    assert calendar.status_code == 200
    assert calendar["Content-Type"].startswith("text/calendar")
    assert_security_headers(calendar, "calendar")


def test_cookies_are_secure_and_http_only_in_production(production):
    client = Client()
    user = UserFactory()
    client.get(reverse("account_login"), **HTTPS)  # sets the CSRF cookie

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct-horse-battery"},
        **HTTPS,
    )

    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


def test_no_script_of_ours_reads_the_csrf_cookie():
    """The CSRF cookie is HttpOnly: a script that read it would silently break."""
    static_js = Path(__file__).resolve().parents[2] / "static" / "js"
    scripts = list(static_js.glob("*.js"))

    assert scripts
    for script in scripts:
        assert "document.cookie" not in script.read_text(), script.name
