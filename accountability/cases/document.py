"""The decision document (问责决定书) of a case, as a formal document (reporting.document.Document)
rendered by reporting.pdf.render_pdf in the GB/T 9704 layout: issued by the deciding authority under
its own document number, addressed to the subject organization, copied to the filing department."""

from __future__ import annotations

from django.utils import timezone

from accountability.models import Case, CaseSubject
from reporting.document import Block, Document, Level, in_document_language
from reporting.reports.selectors import issuer_mark


def _subject_line(subject: CaseSubject, case: Case) -> str:
    if subject.responsibility == CaseSubject.Responsibility.NONE:
        clause = f"（依据{subject.proposed_clause}）" if subject.proposed_clause else ""
        return f"{subject.person.name}（时任{subject.title}）：不承担领导责任{clause}，不予问责。"
    measure = subject.measure.name if subject.measure_id else "不予问责"
    if subject.is_team:
        return f"{case.organization.name}领导班子：承担集体责任，给予{measure}。" if subject.measure_id else (
            f"{case.organization.name}领导班子：承担集体责任。")
    what = subject.get_responsibility_display()
    clause = f"（依据{subject.proposed_clause}）" if subject.proposed_clause else ""
    given = f"，给予{measure}" if subject.measure_id else ""
    return f"{subject.person.name}（时任{subject.title}）：{what}{clause}{given}。"


@in_document_language
def decision_document(case: Case, *, draft: bool = False) -> Document:
    """The 问责决定书 of a decided case (or a watermarked draft before the decision)."""
    authority = case.authority
    from accountability.cases.services import ordered_subjects

    subjects = ordered_subjects(case)
    people = [s for s in subjects if not s.is_team and s.responsibility != CaseSubject.Responsibility.NONE]
    names = "、".join(s.person.name for s in people)
    whom = f"{case.organization.name}领导班子" if any(s.is_team for s in subjects) else ""
    if people:
        whom = f"{whom}及{names}同志" if whom else f"{names}同志"
    blocks = [
        Block(Level.PARAGRAPH, f"经调查核实，{case.organization.name}存在以下问题。依据有关规定，经{authority.name}研究，"
                               f"决定对{whom}予以问责。现将有关情况决定如下："),
        Block(Level.H1, "基本事实"),
        *(Block(Level.PARAGRAPH, line.strip()) for line in case.facts.splitlines() if line.strip()),
        Block(Level.H1, "追责情形"),
        *(Block(Level.PARAGRAPH, f"{c.text}（{c.citation}）。") for c in case.circumstances.order_by("list", "number")),
        Block(Level.H1, "责任认定和问责决定"),
        *(Block(Level.PARAGRAPH, _subject_line(s, case)) for s in subjects),
        Block(Level.PARAGRAPH, "被问责的领导班子和领导干部应当深刻反思，认真整改，并将整改落实情况书面报告。"
                               "本决定报上级党委组织部门备案。"),
    ]
    day = case.decision_date or timezone.localdate()
    return Document(
        issuer_mark=f"{issuer_mark(authority)}问责决定书",
        number=case.decision_number,
        upward=False,
        signer="",
        title=f"关于对{whom}问责的决定",
        addressee=issuer_mark(case.organization),
        blocks=tuple(blocks),
        signing_organ=issuer_mark(authority),
        date=day,
        copy_to=case.filing_to,
        printer=f"{authority.name}办公室",
        printed_on=day,
        draft=draft,
    )
