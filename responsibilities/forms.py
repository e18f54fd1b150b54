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
