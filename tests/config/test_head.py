"""HEAD is answered like GET (require_safe, not require_GET): monitoring probes and link checkers send it.
Every route of the permission matrix is requested with HEAD in tests/responsibilities/test_security_headers.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", ["healthz", "login"])
def test_head_of_public_pages(client, route):
    response = client.head(reverse(route))

    assert response.status_code == 200
    assert response.content == b""


def test_head_of_a_page_that_also_takes_posts_answers_like_get(client):
    org = make_org("A县委")
    client.force_login(make_user("head_staff", grants=[("view", org), ("manage", org)]))

    for url in (reverse("responsibilities:duty_cascade", args=[org.pk]), reverse("reporting:verify"), reverse("home")):
        get, head = client.get(url), client.head(url)
        assert (get.status_code, head.status_code) == (200, 200), url
        assert head.content == b"" and get.content != b""


def test_head_of_a_post_only_action_is_still_refused(client):
    org = make_org("A县委")
    client.force_login(make_user("head_staff", grants=[("view", org), ("manage", org)]))

    assert client.head(reverse("responsibilities:inbox_mark_read")).status_code == 405
