"""Writes of the rubric (指标体系): copy the default or another rubric, add / edit / remove indicators.

Every change is refused with a Chinese ValidationError while the rubric is in use by a published campaign,
and appends to the accountability log in its own transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accountability.models import Campaign, Indicator, Rubric
from accountability.rubrics.defaults import DEFAULT_NAME, DEFAULT_RUBRIC
from responsibilities import log
from responsibilities.models import Organization

TOTAL_POINTS = Decimal("100")
METHOD_LABELS = {"award": "评分", "deduct": "扣分", "veto": "一票否决"}


def _points_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def leaf_problems(*, name: str, method: str, points: Decimal, per_occurrence: Decimal | None,
                  cap: Decimal | None) -> list[str]:
    """What is wrong with one leaf's scoring fields (Chinese messages; [] when it is fine)."""
    problems = []
    if not name.strip():
        problems.append(_("指标名称不能为空。"))
    if points < 0:
        problems.append(_("分值不能为负数。"))
    if method == Indicator.Method.AWARD and points <= 0:
        problems.append(_("按评分方式计分的指标，分值应大于 0。"))
    if method == Indicator.Method.DEDUCT:
        if points <= 0:
            problems.append(_("按扣分方式计分的指标，分值应大于 0。"))
        if per_occurrence is None or per_occurrence <= 0:
            problems.append(_("按扣分方式计分的指标，须填写每次扣分（大于 0）。"))
        if cap is not None and (cap <= 0 or cap > points):
            problems.append(_("扣分上限应大于 0 且不超过该指标分值。"))
    if method == Indicator.Method.VETO and points != 0:
        problems.append(_("一票否决事项不计分，分值应为 0。"))
    return problems


def rubric_problems(rubric: Rubric) -> list[str]:
    """Why the rubric cannot be used yet: leaf points must add up to 100, every first-level indicator needs
    leaves, at least one leaf. [] when it is ready."""
    problems: list[str] = []
    indicators = list(rubric.indicators.all())
    top = [i for i in indicators if i.parent_id is None]
    leaves = [i for i in indicators if i.parent_id is not None]
    if not leaves:
        return [_("指标体系还没有任何二级指标。")]
    for group in top:
        if not any(leaf.parent_id == group.pk for leaf in leaves):
            problems.append(_("一级指标“%(name)s”下还没有二级指标。") % {"name": group.name})
    total = sum((leaf.points for leaf in leaves), Decimal("0"))
    if total != TOTAL_POINTS:
        problems.append(_("各项二级指标分值合计应为 100 分，当前为 %(total)s 分。") % {"total": _points_text(total)})
    return problems


def rubric_in_use(rubric: Rubric) -> bool:
    return rubric.campaigns.filter(status=Campaign.Status.PUBLISHED).exists() or rubric.campaigns.filter(
        assessments__status__in=["scored", "published"]).exists()


def _require_editable(rubric: Rubric) -> None:
    if rubric_in_use(rubric):
        raise ValidationError(_("该指标体系已用于考核评分，不能再修改；如需调整，请为新的年度建立指标体系。"))


def _new_rubric(*, organization: Organization, year: int, name: str, actor) -> Rubric:
    if Rubric.objects.filter(organization=organization, year=year).exists():
        raise ValidationError(_("%(org)s %(year)s年度已有指标体系，请直接修改。") % {
            "org": organization.name, "year": year})
    return Rubric.objects.create(organization=organization, year=year, name=name, created_by=actor)


def _create_tree(rubric: Rubric, tree: list[tuple[str, list[tuple]]]) -> None:
    for group_index, (group_name, leaves) in enumerate(tree, start=1):
        group = Indicator.objects.create(rubric=rubric, name=group_name, sort_order=group_index * 10)
        Indicator.objects.bulk_create([
            Indicator(rubric=rubric, parent=group, name=name, method=method, points=points,
                      per_occurrence=per, cap=cap, criteria=criteria, code=code, sort_order=index * 10)
            for index, (name, method, points, per, cap, criteria, code) in enumerate(leaves, start=1)
        ])


def rubric_tree(rubric: Rubric) -> list[tuple[str, list[tuple]]]:
    """The rubric as DEFAULT_RUBRIC's shape: [(first-level name, [(name, method, points, per, cap, criteria,
    code), …]), …] in display order."""
    indicators = list(rubric.indicators.order_by("sort_order", "pk"))
    return [
        (group.name, [(i.name, i.method, i.points, i.per_occurrence, i.cap, i.criteria, i.code)
                      for i in indicators if i.parent_id == group.pk])
        for group in indicators if group.parent_id is None
    ]


@transaction.atomic
def rubric_create(*, organization: Organization, year: int, actor, source: Rubric | None = None,
                  tree: list[tuple[str, list[tuple]]] | None = None, name: str = "") -> Rubric:
    """An organization's rubric for `year`, copied from `source`, from `tree`, or from the default
    (000 篇四 第十四条). Raises ValidationError when the organization already has one for that year."""
    rubric = _new_rubric(organization=organization, year=year, name=name or DEFAULT_NAME % {"year": year},
                         actor=actor)
    _create_tree(rubric, tree if tree is not None else rubric_tree(source) if source else DEFAULT_RUBRIC)
    log.append(action="rubric.created", subject=rubric, actor=actor, year=year,
               source=source.pk if source else None, indicators=rubric.indicators.count())
    return rubric


@transaction.atomic
def rubric_replace(*, rubric: Rubric, tree: list[tuple[str, list[tuple]]], actor) -> Rubric:
    """Replace every indicator of `rubric` with `tree` (an Excel import). Refused while the rubric is in use."""
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    _require_editable(rubric)
    if rubric.campaigns.exists():
        raise ValidationError(_("该指标体系已被考核使用，不能整体替换；请逐项修改。"))
    rubric.indicators.all().delete()
    _create_tree(rubric, tree)
    log.append(action="rubric.replaced", subject=rubric, actor=actor, indicators=rubric.indicators.count())
    return rubric


@transaction.atomic
def indicator_save(*, rubric: Rubric, actor, indicator: Indicator | None = None, parent: Indicator | None = None,
                   name: str, method: str = "", points: Decimal = Decimal("0"),
                   per_occurrence: Decimal | None = None, cap: Decimal | None = None, criteria: str = "",
                   code: str = "") -> Indicator:
    """Add (indicator=None) or change one indicator. A first-level indicator (parent None) has no method or
    points of its own; a second-level one is a leaf and needs a method. Raises ValidationError (Chinese)."""
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    _require_editable(rubric)
    if parent is not None and (parent.rubric_id != rubric.pk or parent.parent_id is not None):
        raise ValidationError(_("上级指标须是本指标体系的一级指标（指标最多两级）。"))
    if indicator is not None and indicator.rubric_id != rubric.pk:
        raise ValidationError(_("该指标不属于本指标体系。"))
    if indicator is not None and indicator.parent_id is None and parent is not None:
        raise ValidationError(_("一级指标不能改为二级指标。"))
    if parent is None:
        method, points, per_occurrence, cap, code = "", Decimal("0"), None, None, ""
        if not name.strip():
            raise ValidationError(_("指标名称不能为空。"))
    else:
        if method not in Indicator.Method.values:
            raise ValidationError(_("请选择评分方式（评分、扣分或一票否决）。"))
        problems = leaf_problems(name=name, method=method, points=points, per_occurrence=per_occurrence, cap=cap)
        if problems:
            raise ValidationError(problems)
        if method != Indicator.Method.DEDUCT:
            per_occurrence, cap = None, None
    created = indicator is None
    if created:
        siblings = rubric.indicators.filter(parent=parent)
        indicator = Indicator(rubric=rubric, sort_order=(siblings.aggregate(m=Max("sort_order"))["m"] or 0) + 10)
    before = {"name": indicator.name, "points": str(indicator.points), "method": indicator.method}
    indicator.parent, indicator.name, indicator.method = parent, name.strip(), method
    indicator.points, indicator.per_occurrence, indicator.cap = points, per_occurrence, cap
    indicator.criteria, indicator.code = criteria.strip(), code or indicator.code
    indicator.save()
    log.append(action="indicator.added" if created else "indicator.changed", subject=indicator, actor=actor,
               rubric=rubric.pk, name=indicator.name, method=method, points=str(points),
               **({} if created else {"before": before}))
    return indicator


@transaction.atomic
def indicator_remove(*, indicator: Indicator, actor) -> None:
    """Remove an indicator (a first-level one with its leaves). Refused once the rubric is in use or scored."""
    rubric = Rubric.objects.select_for_update().get(pk=indicator.rubric_id)
    _require_editable(rubric)
    from accountability.models import AssessmentFile, IndicatorScore, Suggestion

    ids = [indicator.pk, *indicator.children.values_list("pk", flat=True)]
    if (IndicatorScore.objects.filter(indicator_id__in=ids).exists()
            or AssessmentFile.objects.filter(indicator_id__in=ids).exists()
            or Suggestion.objects.filter(indicator_id__in=ids).exists()):
        raise ValidationError(_("该指标已有自评或评分记录，不能删除。"))
    log.append(action="indicator.removed", subject=indicator, actor=actor, rubric=rubric.pk, name=indicator.name,
               leaves=len(ids) - 1)
    indicator.delete()
