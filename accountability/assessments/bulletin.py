"""The 通报 of a campaign's results (000 第十七条: 在一定范围内通报) as a formal document (GB/T 9704)."""

from __future__ import annotations

from django.utils import timezone

from accountability.models import Assessment, Campaign
from reporting.document import Block, Document, Level, in_document_language
from reporting.reports.selectors import issuer_mark


def _points(value) -> str:
    return f"{value.normalize():f}" if value is not None else "—"


@in_document_language
def bulletin_document(campaign: Campaign) -> Document:
    """The bulletin: intro (basis, methods, dates), results by rank with grades, veto notes, requirements."""
    organization = campaign.organization
    results = list(campaign.assessments.select_related("organization").order_by("rank", "organization__path"))
    grades = dict(Assessment.Grade.choices)
    names = [a.organization.name for a in results]
    addressee = "、".join(names) if len(names) <= 4 else "各被考核单位党委（党组）"
    blocks = [
        Block(Level.PARAGRAPH, (
            f"根据意识形态工作责任制检查考核制度，{organization.name}于{campaign.start_date:%Y年%-m月%-d日}至"
            f"{campaign.end_date:%Y年%-m月%-d日}，采取{'、'.join(campaign.method_labels())}等方式，"
            f"对{len(results)}个单位{campaign.year}年度落实意识形态工作责任制情况进行了检查考核。现将考核结果通报如下。")),
        Block(Level.H1, "考核结果"),
    ]
    for assessment in results:
        veto = "（存在一票否决事项）" if assessment.vetoed else ""
        blocks.append(Block(Level.PARAGRAPH, (
            f"第{assessment.rank}名：{assessment.organization.name}，得分{_points(assessment.total)}分，"
            f"等次为“{grades.get(assessment.grade, '')}”{veto}。")))
    for grade, label in Assessment.Grade.choices:
        members = [a.organization.name for a in results if a.grade == grade]
        if members:
            blocks.append(Block(Level.PARAGRAPH, f"考核等次为“{label}”的单位：{'、'.join(members)}。"))
    blocks += [
        Block(Level.H1, "有关要求"),
        Block(Level.PARAGRAPH, (
            "各单位要对照考核反馈的问题，认真分析原因，明确整改措施、责任人和完成时限，整改情况及时报送。"
            "考核等次为“一般”“差”或存在一票否决事项的单位，要向上级党委作出书面说明。")),
        Block(Level.PARAGRAPH, "考核结果作为领导班子和领导干部年度考核、选拔任用、奖励惩处的重要依据。"),
    ]
    published = timezone.localtime(campaign.published_at).date() if campaign.published_at else timezone.localdate()
    return Document(
        issuer_mark=issuer_mark(organization),
        number=campaign.doc_number,
        upward=False,
        signer="",
        title=f"关于{campaign.year}年度意识形态工作责任制检查考核结果的通报",
        addressee=addressee,
        blocks=tuple(blocks),
        signing_organ=issuer_mark(organization),
        date=published,
        printer=f"{organization.name}办公室",
        printed_on=published,
        draft=not campaign.is_published,
    )
