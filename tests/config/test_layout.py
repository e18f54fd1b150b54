"""The base layout (templates/base.html): the 菜单 button that opens the navigation on a phone,
and no inline script or event handler, so that a strict Content-Security-Policy can be applied."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _home_html(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"), follow=True)  # an inspector is sent to the workplace
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("capability", ["manage", "inspect"])
def test_the_menu_button_controls_the_navigation_of_operators_and_inspectors(tree, capability):
    html = _home_html(make_user(grants=[(capability, tree.county_a)]))

    button = re.search(r"<button [^>]*data-menu-toggle[^>]*>", html).group(0)
    assert 'type="button"' in button and 'aria-expanded="false"' in button and 'aria-controls="mainnav"' in button
    assert "菜单</button>" in html
    assert re.search(r'<nav class="sidenav" id="mainnav"', html)
    assert re.search(r'<script src="/static/js/zeren\.js" defer>', html)


def test_the_layout_has_no_inline_script_or_event_handler(tree):
    html = _home_html(make_user(grants=[("manage", tree.county_a)]))

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []
    assert re.findall(r"\sstyle=", html) == []


def test_the_login_page_has_no_menu_button():
    html = Client().get(reverse("login")).content.decode()

    assert "data-menu-toggle" not in html
