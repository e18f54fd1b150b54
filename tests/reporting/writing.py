"""The drafter's own words over a draft: what a report needs before the sign-off accepts it."""

from __future__ import annotations

from reporting.document import Level
from reporting.models import Report, ReportVersion
from reporting.reports import selectors
from reporting.reports import services as reports_services


def written_blocks(blocks: list[dict]) -> list[dict]:
    """`blocks` with every template prompt replaced by text and a paragraph under every empty heading."""
    prompts = set(selectors.template_prompts(blocks))
    out: list[dict] = []
    for index, block in enumerate(blocks):
        text = block["text"].strip()
        if text in prompts:
            out.append({"level": Level.PARAGRAPH, "text": f"第{index + 1}段：本期按要求落实，情况属实。"})
            continue
        out.append(dict(block))
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block["level"] != Level.PARAGRAPH and (following is None or 0 < following["level"] <= block["level"]):
            out.append({"level": Level.PARAGRAPH, "text": f"{text}：本期情况良好。"})
    return out


def write_up(report: Report, actor=None) -> ReportVersion:
    """Save the drafter's text as a new version (the latest one, ready to be signed)."""
    latest = selectors.latest_version(report)
    return reports_services.report_version_save(
        report=report, actor=actor, title=latest.title, addressee=latest.addressee, copy_to=latest.copy_to,
        blocks=written_blocks(latest.blocks), attachments=list(latest.attachments), note="填写正文",
        facts=latest.facts,
    )
