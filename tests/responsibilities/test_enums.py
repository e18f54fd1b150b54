"""Each enum is defined once: deadline rules and period kinds in periods.py, capabilities in the
kernel models; the model choices, the permission codenames and the queries use those definitions."""

from __future__ import annotations

from responsibilities import models, periods, permissions
from responsibilities.models import Organization, WorkSystem, WorkSystemOverride


def test_deadline_rules_have_one_definition_used_by_the_models():
    assert not hasattr(models, "DeadlineRuleChoice")
    assert models.DeadlineRule is periods.DeadlineRule
    field = WorkSystem._meta.get_field("deadline_rule")
    assert [value for value, _label in field.choices] == [
        "end_of_period", "fixed_dates", "days_after_end", "workdays_after_end", "none"]
    assert WorkSystemOverride._meta.get_field("deadline_rule").choices == field.choices


def test_each_frequency_but_as_needed_is_a_period_kind():
    assert [models.Frequency(kind).period_kind for kind in periods.PeriodKind] == list(periods.PeriodKind)
    assert models.Frequency.AS_NEEDED.period_kind is None
    assert models.Frequency.values == [*periods.PeriodKind, "as_needed"]


def test_the_organization_permissions_are_the_capabilities():
    assert permissions.Capability is models.Capability
    assert Organization._meta.permissions == permissions.Capability.choices
