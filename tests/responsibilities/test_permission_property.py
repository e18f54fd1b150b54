"""Property: a user may do C on an organization exactly when it lies in a subtree granted with a
capability that satisfies C — over random forests, random grants (direct and through groups),
and random moves of subtrees after the grants were made.

The expected answer is computed from a plain parent-index model of the forest, never from
the materialized paths the implementation uses.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from responsibilities import permissions
from responsibilities.models import Organization
from responsibilities.org import services
from responsibilities.permissions import Capability

CAPABILITIES = list(Capability.values)

# Which granted capabilities satisfy a requested one, written out independently of
# permissions.SATISFIED_BY: view is satisfied by anything, administer satisfies everything.
def satisfies(granted: str, requested: str) -> bool:
    return granted == requested or granted == Capability.ADMINISTER or requested == Capability.VIEW


@st.composite
def scenarios(draw):
    size = draw(st.integers(min_value=2, max_value=30))
    # parents[i] is the index of node i's parent (always an earlier node) or None for a root.
    parents: list[int | None] = [None]
    for i in range(1, size):
        parents.append(draw(st.one_of(st.none(), st.integers(min_value=0, max_value=i - 1))))
    grant = st.tuples(
        st.integers(min_value=0, max_value=size - 1),
        st.sampled_from(CAPABILITIES),
        st.booleans(),  # through a group rather than directly
    )
    grants = draw(st.lists(grant, max_size=8))
    others_grants = draw(st.lists(grant, max_size=4))
    moves = draw(
        st.lists(
            st.tuples(st.integers(min_value=0, max_value=size - 1),
                      st.integers(min_value=0, max_value=size - 1)),
            max_size=3,
        )
    )
    return parents, grants, others_grants, moves


def _is_in_subtree(node: int, root: int, parents: list[int | None]) -> bool:
    current: int | None = node
    while current is not None:
        if current == root:
            return True
        current = parents[current]
    return False


def _expected(parents, grants, capability: str) -> set[int]:
    return {
        node
        for node in range(len(parents))
        for granted_node, granted_cap, _via_group in grants
        if satisfies(granted_cap, capability) and _is_in_subtree(node, granted_node, parents)
    }


class PermissionPropertyTests(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(scenarios())
    def test_can_and_visible_follow_granted_subtrees(self, scenario):
        parents, grants, others_grants, moves = scenario
        parents = list(parents)

        orgs: list[Organization] = []
        for index, parent in enumerate(parents):
            orgs.append(services.organization_create(
                name=f"组织{index}", kind=Organization.Kind.COMMITTEE,
                parent=None if parent is None else orgs[parent], actor=None,
            ))

        User = get_user_model()
        user = User.objects.create_user(username="u")
        other = User.objects.create_user(username="other")
        for who, its_grants in ((user, grants), (other, others_grants)):
            for node, capability, via_group in its_grants:
                if via_group:
                    group, _ = Group.objects.get_or_create(name=f"{who.username}-{node}-{capability}")
                    group.user_set.add(who)
                    permissions.grant(group, capability, orgs[node], actor=None)
                else:
                    permissions.grant(who, capability, orgs[node], actor=None)

        # Grants sit on the granted organization, so they travel with a moved subtree.
        for node, new_parent in moves:
            if _is_in_subtree(new_parent, node, parents):
                with self.assertRaises(ValidationError):
                    services.organization_move(organization=orgs[node], new_parent=orgs[new_parent], actor=None)
            else:
                services.organization_move(organization=orgs[node], new_parent=orgs[new_parent], actor=None)
                parents[node] = new_parent

        permissions.forget_grants(user)
        fresh = {o.pk: o for o in Organization.objects.all()}
        pk_of = [org.pk for org in orgs]
        for capability in CAPABILITIES:
            expected = _expected(parents, grants, capability)
            allowed = {i for i in range(len(orgs)) if permissions.can(user, capability, fresh[pk_of[i]])}
            self.assertEqual(allowed, expected, f"can(…, {capability!r}, …)")

            visible = set(
                permissions.visible(user, capability, Organization.objects.all()).values_list("pk", flat=True)
            )
            self.assertEqual(visible, {pk_of[i] for i in expected}, f"visible(…, {capability!r}, …)")

    @settings(max_examples=10, deadline=None)
    @given(scenarios())
    def test_superuser_sees_everything_and_an_inactive_user_nothing(self, scenario):
        parents, grants, _others, _moves = scenario
        orgs: list[Organization] = []
        for index, parent in enumerate(parents):
            orgs.append(services.organization_create(
                name=f"组织{index}", kind=Organization.Kind.COMMITTEE,
                parent=None if parent is None else orgs[parent], actor=None,
            ))
        User = get_user_model()
        root = User.objects.create_superuser(username="root", password=None)
        inactive = User.objects.create_user(username="gone", is_active=False)
        for node, capability, _via_group in grants:
            permissions.grant(inactive, capability, orgs[node], actor=None)

        everything = set(Organization.objects.values_list("pk", flat=True))
        for capability in CAPABILITIES:
            self.assertEqual(
                set(permissions.visible(root, capability, Organization.objects.all()).values_list("pk", flat=True)),
                everything,
            )
            self.assertFalse(permissions.visible(inactive, capability, Organization.objects.all()).exists())
            for org in Organization.objects.all():
                self.assertTrue(permissions.can(root, capability, org))
                self.assertFalse(permissions.can(inactive, capability, org))
