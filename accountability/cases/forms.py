"""Forms of the case pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.models import Case, CaseSubject, Circumstance, Measure
from responsibilities.forms import DateInput
from responsibilities.work.forms import MultipleFileField


class FactsDateForm(forms.Form):
    """Step one of a new case: the date of the facts decides who was in the team."""

    facts_date = forms.DateField(label=_("问题发生日期"), widget=DateInput(),
                                 help_text=_("被问责人按此日的领导班子确定，而不是今天的班子"))


class CaseForm(forms.Form):
    title = forms.CharField(label=_("案由"), max_length=200)
    source = forms.ChoiceField(label=_("来源"), choices=Case.Source.choices)
    source_reference = forms.CharField(label=_("来源说明"), max_length=300, required=False)
    facts = forms.CharField(label=_("基本事实"), widget=forms.Textarea(attrs={"rows": 5}))
    circumstances = forms.ModelMultipleChoiceField(
        label=_("追责情形"), queryset=Circumstance.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    collective = forms.BooleanField(label=_("追究领导班子集体责任"), required=False, initial=True)
    people = forms.MultipleChoiceField(label=_("被问责的班子成员"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    proposer = forms.CharField(label=_("问责建议"), max_length=300, required=False,
                               help_text=_("例如：市委宣传部提出的问责建议（第十四条）"))
    files = MultipleFileField(label=_("证据材料"), required=False)

    def __init__(self, *args, team=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(str(a.person_id), f"{a.person.name}（{a.get_role_display()}）") for a in team]
        self.fields["circumstances"].label_from_instance = lambda c: f"{c.text}（{c.citation}）"

    def clean(self):
        data = super().clean()
        if not data.get("collective") and not data.get("people"):
            raise forms.ValidationError(_("请至少选择一个被问责对象：领导班子或班子成员。"))
        return data


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    filing_to = forms.CharField(label=_("备案机关"), max_length=200, required=False)


class OverrideForm(forms.Form):
    responsibility = forms.ChoiceField(
        label=_("认定责任"),
        choices=[c for c in CaseSubject.Responsibility.choices if c[0] != CaseSubject.Responsibility.COLLECTIVE],
    )
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3}))


class MeasureForm(forms.Form):
    measure = forms.ModelChoiceField(label=_("问责措施"), queryset=Measure.objects.filter(active=True))


class AuthorityForm(forms.Form):
    authority = forms.IntegerField(label=_("问责决定机关"), widget=forms.Select)


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + Case.Status.choices, required=False)


class FilesForm(forms.Form):
    files = MultipleFileField(label=_("证据材料"))


class DeterminationForm(forms.Form):
    """The decision facts: how the wrong decision was made and each leader's part in it."""

    mode = forms.ChoiceField(label=_("决策方式"), choices=Case.Mode.choices)
    decided_by = forms.TypedChoiceField(label=_("个人决定或批准者"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = list(subjects)
        self.fields["decided_by"].choices = [("", "—")] + [(s.person_id, s.person.name) for s in self.subjects]
        for s in self.subjects:
            for name, label, initial in (("participated", _("参与决策"), s.participated),
                                         ("opposed", _("明确反对未被采纳"), s.opposed),
                                         ("in_charge", _("直接分管"), s.in_charge)):
                self.fields[f"{name}_{s.pk}"] = forms.BooleanField(label=label, required=False, initial=initial)

    def rows(self):
        """(subject, its three bound fields) for the template."""
        return [(s, [self[f"{n}_{s.pk}"] for n in ("participated", "opposed", "in_charge")]) for s in self.subjects]

    def facts(self) -> dict[int, dict]:
        return {s.pk: {n: self.cleaned_data[f"{n}_{s.pk}"] for n in ("participated", "opposed", "in_charge")}
                for s in self.subjects}
