"""Every route of the permission matrix, requested by a persona it serves, answers HEAD as it answers
GET (not 405) and carries the security headers: a Content-Security-Policy with a nonce,
X-Content-Type-Options, Referrer-Policy, X-Frame-Options and, for a logged-in user, Cache-Control:
no-store (pages and downloads alike). An HTML page has no inline script, style or event handler
without the nonce. The routes and their cells come from tests/responsibilities/test_permission_matrix.py
(CASES), built in the same world."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.responsibilities.permission_world import (
    PERSONAS,
    Failures,
    World,
    cells,
    client_for,
    rolled_back,
    text_of,
)
from tests.responsibilities.test_permission_matrix import CASES, ObjectCase

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "object-src": "'none'", "base-uri": "'none'", "form-action": "'self'", "frame-ancestors": "'none'",
}
# Uploaded files (evidence, attachments) are served under a stricter policy of their own: nothing loads.
UPLOAD_POLICY = {"default-src": "'none'", "sandbox": ""}
NONCE = re.compile(r" 'nonce-[\w+/=-]+'$")
# Markup a strict policy would block: a <script> or <style> element without a nonce (JSON data
# blocks are not scripts), a style attribute, an on… event handler, a javascript: URL.
INLINE = re.compile(
    r"<script(?![^>]*\bnonce=)(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|<style(?![^>]*\bnonce=)[^>]*>|\sstyle=\"|\son[a-z]+=\"|javascript:",
    re.IGNORECASE,
)


def _cell(case) -> tuple[str, str | None, int]:
    """The first logged-in persona (and object) for which the matrix expects the route to work: a 200
    if any (a page), else a redirect or a form's 400 (an action); the login page is anonymous."""
    for ok in ({200}, {302, 400}):
        for persona, obj, expected in cells(case.expect):
            if persona != "anonymous" and expected in ok:
                return persona, obj, expected
    return "anonymous", None, case.expect["anonymous"]


def _url(world: World, route: str, obj: str | None) -> str:
    case = CASES[route]
    if isinstance(case, ObjectCase):
        return case.url(world, obj)
    return case.url(world) if case.url else reverse(route)


GET_ROUTES = [route for route, case in CASES.items() if case.method == "get"]


def test_every_get_route_is_walked():
    assert len(GET_ROUTES) > 80  # the walk below is not empty
    assert {"healthz", "login", "responsibilities:evidence_download", "reporting:version_pdf",
            "reporting:ledger_download", "accountability:bundle_download"} <= set(GET_ROUTES)


def test_head_answers_every_page_like_get(world):
    failures = Failures()
    for route in GET_ROUTES:
        persona, obj, expected = _cell(CASES[route])
        url = _url(world, route, obj)
        with rolled_back():
            response = client_for(world, persona).head(url)
        failures.check(response.status_code == expected, persona, "head", url,
                       f"expected {expected} like GET, got {response.status_code}")
        failures.check(text_of(response) == "", persona, "head", url, "HEAD answered with a body")
    if failures:
        pytest.fail(failures.report(), pytrace=False)


def _check_headers(failures: Failures, persona: str, method: str, url: str, response) -> None:
    def check(ok: bool, what: str) -> None:
        failures.check(ok, persona, method, url, what)

    policy = response.get("Content-Security-Policy", "")
    directives = dict((d.strip() + " ").split(" ", 1) for d in policy.split(";") if d.strip())
    directives = {k: v.strip() for k, v in directives.items()}
    # The nonce is named only where the page used it (script-src and style-src).
    directives = {k: NONCE.sub("", v) if k in {"script-src", "style-src"} else v for k, v in directives.items()}
    check(directives == POLICY or (directives == UPLOAD_POLICY and not response.get("Content-Type", "").startswith(
        "text/html")), f"Content-Security-Policy: {policy!r}")
    check(response.get("X-Content-Type-Options") == "nosniff", "no X-Content-Type-Options: nosniff")
    check(response.get("Referrer-Policy") == "same-origin", f"Referrer-Policy: {response.get('Referrer-Policy')!r}")
    check(response.get("X-Frame-Options") == "DENY", f"X-Frame-Options: {response.get('X-Frame-Options')!r}")
    cache = response.get("Cache-Control", "")
    if persona != "anonymous":
        check("no-store" in cache and "private" in cache, f"Cache-Control: {cache!r}")
    if response.get("Content-Type", "").startswith("text/html"):
        text = text_of(response)
        inline = INLINE.search(text)
        check(inline is None, f"inline markup a strict policy blocks: {inline and text[inline.start():inline.start() + 80]!r}")
        nonces = set(re.findall(r"\bnonce=\"([^\"]+)\"", text))
        check(all(f"'nonce-{n}'" in policy for n in nonces), "a nonce in the page that the policy does not name")


def test_every_response_carries_the_security_headers(world):
    failures, checked = Failures(), set()
    for route, case in CASES.items():
        persona, obj, _expected = _cell(case)
        url = _url(world, route, obj)
        with rolled_back():
            response = getattr(client_for(world, persona), case.method)(url, {} if isinstance(case, ObjectCase)
                                                                        else case.data)
            _check_headers(failures, persona, case.method, url, response)
        checked.add(response.get("Content-Type", "").split(";")[0])
    assert {"text/html", "application/pdf", "application/zip"} <= checked, checked
    if failures:
        pytest.fail(failures.report(), pytrace=False)


@pytest.mark.parametrize("route", ["login", "healthz"])
def test_anonymous_pages_carry_the_policy_too(world, route):
    failures = Failures()
    response = client_for(world, "anonymous").get(reverse(route))
    assert response.status_code == 200
    _check_headers(failures, "anonymous", "get", reverse(route), response)
    if failures:
        pytest.fail(failures.report(), pytrace=False)


def test_every_persona_logged_in_gets_no_store_on_home(world):
    for persona in PERSONAS[1:]:
        response = client_for(world, persona).get(reverse("home"))
        assert "no-store" in response["Cache-Control"], persona


def test_the_inline_markup_check_sees_what_it_looks_for():
    for blocked in ('<script>alert(1)</script>', '<style>p{}</style>', '<p style="color:red">',
                    '<button onclick="go()">', '<form onsubmit="return confirm(1)">', '<a href="javascript:go()">'):
        assert INLINE.search(blocked), blocked
    for allowed in ('<script src="/static/js/zeren.js" defer></script>', '<script nonce="abc">x()</script>',
                    '<script id="chart-data" type="application/json">{}</script>', '<button data-confirm="确认？">'):
        assert not INLINE.search(allowed), allowed
