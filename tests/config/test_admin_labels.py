"""The admin speaks Chinese: every registered model's list and form shows Chinese labels and
column headers, and users appear by name (「张三（county_a_xcb）」), not by login alone."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from responsibilities.admin import user_label
from responsibilities.models import Person

# Truly technical names with no Chinese word users would recognise better.
TECHNICAL = {"SHA-256", "ID"}


def texts(pattern: str, page: str) -> list[str]:
    found = []
    for raw in re.findall(pattern, page, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", "", raw)).strip().rstrip(":：").strip()
        if text:
            found.append(text)
    return found


def english_labels(page: str) -> list[str]:
    """Column headers, field labels and filter titles that are English (ASCII letters only)."""
    shown = (texts(r'<th scope="col"[^>]*>(.*?)</th>', page) + texts(r"<label[^>]*>(.*?)</label>", page)
             + texts(r"<h3>(.*?)</h3>", page) + texts(r'<h2 class="fieldset-heading"[^>]*>(.*?)</h2>', page))
    return [t for t in shown if t.isascii() and re.search("[A-Za-z]", t) and t not in TECHNICAL]


@pytest.fixture
def superuser_client(seeded_demo) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("labels_admin", password="pw-zeren-test"))
    return client


def test_every_admin_page_shows_chinese_labels(superuser_client):
    problems = {}
    for model in admin.site._registry:
        meta = model._meta
        assert not str(meta.verbose_name).isascii(), meta.label
        assert not str(meta.verbose_name_plural).isascii(), meta.label
        pages = [reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")]
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        first = model._default_manager.order_by("pk").first()
        pages.append(add)
        if first is not None:
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
        for url in pages:
            response = superuser_client.get(url)
            if response.status_code == 403 and url == add:
                continue  # read-only records: their change page is walked instead
            assert response.status_code == 200, url
            english = english_labels(response.content.decode())
            if english:
                problems[url] = english
    for url in [reverse("admin:index")] + [reverse("admin:app_list", args=[app]) for app in
                                           {m._meta.app_label for m in admin.site._registry}]:
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        if english := english_labels(response.content.decode()):
            problems[url] = english
    assert problems == {}, "\n".join(f"{url}: {sorted(set(labels))}" for url, labels in problems.items())


def test_every_model_field_has_a_chinese_label():
    from django.apps import apps

    english = []
    for model in apps.get_models():
        if model._meta.app_label not in {"responsibilities", "reporting", "accountability"}:
            continue
        for field in model._meta.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            label = str(field.verbose_name)
            if label.isascii() and label not in TECHNICAL:
                english.append(f"{model._meta.label}.{field.name}: {label}")
    assert english == []


def test_users_appear_by_name_in_lists_and_selects(superuser_client, seeded_demo):
    person = Person.objects.select_related("user").filter(user__username="county_a_xcb").get()
    assert user_label(person.user) == f"{person.name}（county_a_xcb）"

    users = superuser_client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert person.name in users
    people = superuser_client.get(reverse("admin:responsibilities_person_changelist"), {"q": person.name})
    people = people.content.decode()
    assert f"{person.name}（county_a_xcb）" in html.unescape(people)
    grants = superuser_client.get(reverse("admin:responsibilities_organizationuserpermission_changelist"),
                                  {"q": "county_a_xcb"})
    assert f"{person.name}（county_a_xcb）" in html.unescape(grants.content.decode())

    found = superuser_client.get(reverse("admin:autocomplete"), {
        "term": "county_a_xcb", "app_label": "responsibilities", "model_name": "person", "field_name": "user",
    })
    assert found.status_code == 200
    assert f"{person.name}（county_a_xcb）" in [r["text"] for r in found.json()["results"]]

    change = superuser_client.get(reverse("admin:responsibilities_person_change", args=[person.pk]))
    assert f"{person.name}（county_a_xcb）" in html.unescape(change.content.decode())


def test_the_lists_of_tasks_and_reports_show_periods_in_words(superuser_client):
    for model in ("responsibilities/obligation", "reporting/report"):
        page = superuser_client.get(f"/admin/{model}/").content.decode()
        cells = texts(r'<td class="field-period_in_words"[^>]*>(.*?)</td>', page)
        assert cells, model
        assert not [c for c in cells if re.fullmatch(r"20\d\d(H[12]|Q[1-4]|-\d\d)?", c)], (model, cells[:5])
        assert any(re.fullmatch(r"20\d\d年(上半年|下半年|第.季度|\d+月|度)?", c) for c in cells), (model, cells[:5])
