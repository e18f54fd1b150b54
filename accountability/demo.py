"""The accountability part of the demo city (seed_demo): a 2026 assessment campaign, findings and
cases, and one 补录 meeting record for the inspector's 线索. Each part is idempotent."""

from __future__ import annotations

from accountability.assessments.demo import seed_assessments
from accountability.cases.demo import seed_cases
from accountability.workplace.demo import seed_workplace
from responsibilities.models import Organization


def on_demo_city_seeded(sender, *, root: Organization, **kwargs) -> list[str]:
    """Receiver of `responsibilities.demo.organizations.demo_city_seeded` (connected after reporting's,
    so the reports the suggestions look at exist): the lines for seed_demo's output."""
    parts = (("检查考核", seed_assessments(root)), ("问题与问责", seed_cases(root)), ("线索", seed_workplace(root)))
    return [
        f"{label}：" + "，".join(f"{COUNTED[key]} {value}" for key, value in counts.items())
        for label, counts in parts if any(counts.values())
    ]


# What each part's counts are called in seed_demo's output.
COUNTED = {
    "campaigns": "考核", "self_assessed": "已自评", "scored": "已评分", "suggestions": "建议扣分",
    "findings": "问题", "overdue": "整改逾期", "cases": "问责案件", "late_entries": "补录示例",
}
