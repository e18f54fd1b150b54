"""Form helpers shared by the features: dates, period codes and object ids typed into forms and query strings."""

from __future__ import annotations

from django import forms

from responsibilities.periods import Period


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def period_from(code: str, message) -> Period:
    """A period code typed into a filter; `message` (with %(code)s) says which codes that form takes."""
    try:
        return Period.parse(code)
    except ValueError:
        raise forms.ValidationError(message, code="invalid_period", params={"code": code}) from None


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
