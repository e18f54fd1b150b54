"""`?org=`: one resolver (responsibilities.permissions.organization_from) answers every page that
names an organization; any bad, unknown or out-of-view value is a 404, never a 500, and a blank
value means the page's own default (the user's scope)."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from responsibilities import permissions
from responsibilities.permissions import Capability
from tests.factories import make_user

# Values no page may take for an organization id, whatever organizations exist.
BAD_VALUES = ["²", "٣", "1e3", "-1", " 1", "1 ", "+1", "1.0", "99999999999999999999", "abc", "0x1"]
# The same bad spellings of an id that does exist and is in view: only ASCII digits name it.
MISSPELT = {
    "arabic-indic digits": lambda pk: str(pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    "full-width digits": lambda pk: str(pk).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "leading space": lambda pk: f" {pk}",
    "trailing space": lambda pk: f"{pk} ",
    "plus sign": lambda pk: f"+{pk}",
    "decimal": lambda pk: f"{pk}.0",
}

DASHBOARDS = ["compliance_matrix", "compliance_matrix_rows", "obligation_list", "charts"]


@pytest.fixture
def viewer(tree):
    return make_user("org_param_viewer", grants=[("view", tree.city), ("manage", tree.city)])


@pytest.mark.parametrize("raw", BAD_VALUES)
def test_the_resolver_refuses_a_malformed_id_with_404(tree, viewer, raw):
    with pytest.raises(Http404):
        permissions.organization_from(viewer, raw, Capability.VIEW)


@pytest.mark.parametrize("spelling", list(MISSPELT))
def test_the_resolver_refuses_a_visible_id_spelt_other_than_in_ascii_digits(tree, viewer, spelling):
    with pytest.raises(Http404):
        permissions.organization_from(viewer, MISSPELT[spelling](tree.county_a.pk), Capability.VIEW)


def test_the_resolver_finds_a_visible_organization_and_returns_none_for_a_blank_value(tree, viewer):
    assert permissions.organization_from(viewer, str(tree.county_a.pk), Capability.VIEW) == tree.county_a
    assert permissions.organization_from(viewer, "", Capability.VIEW) is None
    assert permissions.organization_from(viewer, None, Capability.VIEW) is None


def test_the_resolver_answers_404_outside_the_view_and_403_without_the_capability(tree, viewer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(Http404):
        permissions.organization_from(viewer, str(tree.other_city.pk), Capability.VIEW)
    with pytest.raises(PermissionDenied):
        permissions.organization_from(viewer, str(tree.county_a.pk), Capability.SIGN_REPORT)


@pytest.mark.parametrize("name", DASHBOARDS)
@pytest.mark.parametrize("raw", BAD_VALUES)
def test_dashboards_answer_404_for_a_bad_org_value(client, tree, viewer, name, raw):
    client.force_login(viewer)
    response = client.get(reverse(f"responsibilities:{name}"), {"org": raw, "period": "2026"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", DASHBOARDS)
@pytest.mark.parametrize("spelling", list(MISSPELT))
def test_dashboards_answer_404_for_a_visible_id_spelt_otherwise(client, tree, viewer, name, spelling):
    client.force_login(viewer)
    response = client.get(reverse(f"responsibilities:{name}"),
                          {"org": MISSPELT[spelling](tree.county_a.pk), "period": "2026"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["compliance_matrix", "obligation_list", "charts"])
def test_dashboards_show_the_users_scope_for_a_blank_org(client, tree, viewer, name):
    client.force_login(viewer)
    assert client.get(reverse(f"responsibilities:{name}"), {"org": ""}).status_code == 200


def test_the_matrix_rows_without_an_organization_are_a_bad_request(client, tree, viewer):
    client.force_login(viewer)
    assert client.get(reverse("responsibilities:compliance_matrix_rows"), {"org": ""}).status_code == 400


def test_a_level_too_long_for_int_falls_back_to_the_top_level(client, tree, viewer):
    client.force_login(viewer)
    response = client.get(reverse("responsibilities:compliance_matrix_rows"),
                          {"org": tree.city.pk, "period": "2026", "level": "9" * 5000})
    assert response.status_code == 200
