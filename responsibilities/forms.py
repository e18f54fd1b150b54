"""Form helpers shared by the features: dates, periods and object ids picked or typed into forms and query strings."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from responsibilities.periods import Period, PeriodKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# -- periods: picked from two selects (年份, 期间), or typed ---------------------------------------

_month_name = lazy(lambda month: gettext("%(month)s月") % {"month": month}, str)

# The second select's options: the part of the year, as the suffix that makes the code (2026 + H1).
_PARTS = {
    PeriodKind.YEAR: [("", _("全年"))],
    PeriodKind.HALF: [("H1", _("上半年")), ("H2", _("下半年"))],
    PeriodKind.QUARTER: [("Q1", _("第一季度")), ("Q2", _("第二季度")), ("Q3", _("第三季度")), ("Q4", _("第四季度"))],
    PeriodKind.MONTH: [(f"-{m:02d}", _month_name(m)) for m in range(1, 13)],
}
_PART_GROUPS = {PeriodKind.HALF: _("半年"), PeriodKind.QUARTER: _("季度"), PeriodKind.MONTH: _("月份")}
ALL_PERIODS = _("全部期间")  # the blank choice of an optional period
YEARS_BACK, YEARS_AHEAD = 4, 1  # the year select: a few years back, and next year


class PeriodWidget(forms.MultiWidget):
    """Two selects, 年份 and 期间 (全年 / 上半年 / 第三季度 / 7月 …), posted as `<name>_year` and
    `<name>_part`. A period may also arrive typed as `<name>` itself, as links and bookmarks carry it
    (`?period=2026H1`) or as a person writes it (`?period=2026年上半年`): what the selects post wins.
    The value handed to the field is text for `Period.from_text`."""

    template_name = "django/forms/widgets/multiwidget.html"
    use_fieldset = False

    def __init__(self, *, kinds: Iterable[PeriodKind], required: bool = True, blank_label=None, attrs=None):
        self.kinds = [PeriodKind(k) for k in kinds]
        self.blank = None if required else (blank_label or ALL_PERIODS)
        order = [k for k in (PeriodKind.YEAR, PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH) if k in self.kinds]
        parts: list = []
        for kind in order:  # one kind: its options; several: the year's, then a group per kind
            if len(order) > 1 and kind in _PART_GROUPS:
                parts.append((_PART_GROUPS[kind], _PARTS[kind]))
            else:
                parts.extend(_PARTS[kind])
        part_attrs = {"aria-label": _("期间")}  # the year select is the one the field's label names
        super().__init__(
            widgets={"year": forms.Select(), "part": forms.Select(attrs=part_attrs, choices=parts)},
            attrs=attrs,
        )

    def decompress(self, value) -> list[str]:
        if isinstance(value, Period):
            period = value
        else:
            try:
                period = Period.from_text(str(value)) if value else None
            except ValueError:
                period = None
        if period is None:
            return ["", ""]
        return [str(period.year), period.code[4:]]

    def get_context(self, name, value, attrs):
        year, _part = value if isinstance(value, (list, tuple)) else self.decompress(value)
        this_year = timezone.localdate().year
        years = list(range(this_year + YEARS_AHEAD, this_year - YEARS_BACK - 1, -1))
        if year.isdigit() and int(year) not in years:
            years = sorted({*years, int(year)}, reverse=True)
        blank = [("", self.blank)] if self.blank is not None else []
        self.widgets[0].choices = [*blank, *((str(y), _("%(year)s年") % {"year": y}) for y in years)]
        return super().get_context(name, value, attrs)

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else ""  # the field's label names the year select; the other has its aria-label

    def value_from_datadict(self, data, files, name) -> str | None:
        year, part = data.get(f"{name}_year"), data.get(f"{name}_part")
        if year is not None:
            return f"{year.strip()}{(part or '').strip()}" if year.strip() else ""
        return data.get(name)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return f"{name}_year" not in data and name not in data

    @staticmethod
    def given(data, name: str = "period") -> bool:
        """Did the query say a period, picked or typed? (Filters default the period when it did not.)"""
        return bool((data.get(f"{name}_year") or data.get(name) or "").strip())


class PeriodField(forms.Field):
    """A period picked or typed (see PeriodWidget), cleaned to a `Period` of one of `kinds` (None
    when not required and left blank). Errors are in Chinese and name what this field takes."""

    def __init__(self, *, kinds: Iterable[PeriodKind] = tuple(PeriodKind), blank_label=None, **kwargs):
        self.kinds = [PeriodKind(k) for k in kinds]
        kwargs.setdefault("widget", PeriodWidget(
            kinds=self.kinds, required=kwargs.get("required", True), blank_label=blank_label))
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", _("请选择期间。"))
        super().__init__(**kwargs)

    def to_python(self, value) -> Period | None:
        if isinstance(value, Period):
            return value
        text = (value or "").strip()
        if not text:
            return None
        try:
            period = Period.from_text(text)
            period.end  # noqa: B018 (the year must have dates)
        except ValueError:
            raise forms.ValidationError(
                _("无法识别的期间“%(text)s”。请选择年份和期间，或填写如“2026年上半年”“2026年第三季度”“2026年7月”。"),
                code="invalid_period", params={"text": text},
            ) from None
        if period.kind not in self.kinds:
            raise forms.ValidationError(
                _("此处的期间应为%(kinds)s，如 %(example)s。"), code="wrong_kind",
                params={"kinds": "或".join(str(KIND_WORDS[k]) for k in self.kinds),
                        "example": Period.all_in_year(self.kinds[0], period.year)[0].label},
            )
        return period

    def prepare_value(self, value):
        return value


KIND_WORDS = {PeriodKind.YEAR: _("年度"), PeriodKind.HALF: _("半年"), PeriodKind.QUARTER: _("季度"),
              PeriodKind.MONTH: _("月份")}


# An object id in a query string or a posted field: ASCII digits only, at most 18 of them (every such
# number fits the database's signed 64-bit keys). int() is more lenient than that on purpose and so
# is not used on input: it takes "٣" (3), " 3", "+3" and "3_0", and "²".isdigit() is true yet int("²")
# raises, which is how `?org=²` once became a 500.
ID_MAX_DIGITS = 18


def object_id(raw: str | None) -> int | None:
    """The id `raw` spells, or None when it is blank or not spelt as 1–18 ASCII digits (no sign,
    no spaces, no other scripts' digits). Callers decide what None means (a page's default, a 404,
    a form error); nothing that is not an id reaches the database."""
    if not raw or len(raw) > ID_MAX_DIGITS or not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw)


class ObjectIdField(forms.CharField):
    """A form field holding an object id, parsed by `object_id` (the select widgets post ids);
    anything else is the field's "invalid" error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", None)
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        pk = object_id(value)
        if pk is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return pk
