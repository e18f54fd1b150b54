"""`?org=` on the reporting pages (reports, the submission board, ledgers) goes through the one
resolver: any bad, unknown or out-of-view value is a 404, never a 500; a blank value is the
page's own default."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.responsibilities.test_org_param import BAD_VALUES, MISSPELT

PAGES = ["report_list", "report_create", "board", "board_rows", "ledgers"]


@pytest.fixture
def staff(tree):
    return make_user("reporting_org_param", grants=[
        ("view", tree.city), ("manage", tree.city), ("draft_report", tree.city)])


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("raw", BAD_VALUES)
def test_reporting_pages_answer_404_for_a_bad_org_value(client, tree, staff, name, raw):
    client.force_login(staff)
    assert client.get(reverse(f"reporting:{name}"), {"org": raw}).status_code == 404


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("spelling", list(MISSPELT))
def test_reporting_pages_answer_404_for_a_visible_id_spelt_otherwise(client, tree, staff, name, spelling):
    client.force_login(staff)
    assert client.get(reverse(f"reporting:{name}"), {"org": MISSPELT[spelling](tree.county_a.pk)}).status_code == 404


@pytest.mark.parametrize("name", ["board_remind", "board_summary"])
@pytest.mark.parametrize("raw", ["²", "99999999999999999999", " 1"])
def test_board_actions_answer_404_for_a_bad_org_value(client, tree, staff, name, raw):
    client.force_login(staff)
    url = reverse(f"reporting:{name}") + "?" + f"org={raw}&period=2026H1"
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("name", ["report_list", "report_create", "board", "ledgers"])
def test_reporting_pages_take_a_blank_org_as_the_users_scope(client, tree, staff, name):
    client.force_login(staff)
    assert client.get(reverse(f"reporting:{name}"), {"org": ""}).status_code == 200


def test_reporting_pages_find_an_organization_in_view(client, tree, staff):
    client.force_login(staff)
    for name in ["report_list", "report_create", "board", "ledgers"]:
        assert client.get(reverse(f"reporting:{name}"), {"org": tree.county_a.pk}).status_code == 200


def test_a_ledger_export_posted_for_a_misspelt_organization_is_refused_in_chinese(client, tree, staff):
    client.force_login(staff)
    arabic = MISSPELT["arabic-indic digits"](tree.county_a.pk)
    response = client.post(reverse("reporting:ledger_export"),
                           {"kind": "obligations", "organization": arabic, "period": "", "status": ""})
    assert response.status_code == 400
    assert "请选择组织。" in response.content.decode()
