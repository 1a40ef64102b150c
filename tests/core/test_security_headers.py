"""Every page carries the strict Content-Security-Policy, and every script on it has the nonce."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import OrganiserFactory, UserFactory

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
NONCE_IN_HEADER = re.compile(r"script-src 'self' 'nonce-([^']+)'")


def urls_without_arguments(resolver=None, prefix=""):
    """Every routable path of the project that takes no argument (argument-taking URLs join the
    access-matrix test with their objects)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from urls_without_arguments(pattern, prefix + route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "(?P" not in route:
            path = prefix + route
            path = path.lstrip("^").rstrip("$").replace("\\Z", "")
            if "\\" in path or "(" in path:
                continue
            yield "/" + path


PATHS = [*sorted(set(urls_without_arguments())), "/no-such-page/"]


def assert_strict_csp(response, path):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{path}: no Content-Security-Policy header"
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in header, f"{path}: {directive!r} missing from {header!r}"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert "script-src 'self'" in header
    if response.get("Content-Type", "").startswith("text/html"):
        # JSON data blocks are not executed, so the policy does not apply to them.
        scripts = [t for t in SCRIPT_TAG.findall(response.content.decode()) if 'type="application/json"' not in t]
        if scripts:
            # Django adds the nonce to the header only when the page used it.
            nonce = NONCE_IN_HEADER.search(header)
            assert nonce, f"{path}: scripts on the page but no nonce in {header!r}"
            for tag in scripts:
                assert f'nonce="{nonce.group(1)}"' in tag, f"{path}: script without this response's nonce: {tag}"
                assert "src=" in tag, f"{path}: inline script: {tag}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_project_has_pages_to_check():
    assert "/" in PATHS and "/accounts/login/" in PATHS and "/winners/" in PATHS


@pytest.mark.parametrize("path", PATHS)
def test_every_page_has_strict_csp_when_logged_out(client, path):
    assert_strict_csp(client.get(path), path)


@pytest.mark.parametrize("path", PATHS)
def test_every_page_has_strict_csp_for_an_organiser(client, path):
    client.force_login(OrganiserFactory(is_superuser=True))
    assert_strict_csp(client.get(path), path)


def test_error_responses_and_posts_have_csp_too(client):
    client.force_login(UserFactory())
    response = client.post("/accounts/password/change/", {"oldpassword": "wrong"})
    assert_strict_csp(response, "POST /accounts/password/change/")
    assert_strict_csp(client.get("/healthz"), "/healthz")


def test_csrf_failure_page_is_ours_and_has_no_inline_style():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"

    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent" in html
    assert "style=" not in html and "<style" not in html and "<script" not in html
    assert_strict_csp(response, "CSRF failure")
