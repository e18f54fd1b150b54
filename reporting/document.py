"""What a formal document (公文) consists of, independent of where it comes from.

The report services build a `Document` from a report version; `reporting.pdf.render_pdf`
turns one into a PDF in the GB/T 9704-2012 layout. Keeping this contract small lets the
renderer be tested on its own.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from enum import IntEnum

from django.conf import settings
from django.utils import translation


class Level(IntEnum):
    """A body block: a paragraph, or one of the four heading levels of a 公文."""

    PARAGRAPH = 0
    H1 = 1  # 一、 (黑体)
    H2 = 2  # （一） (楷体)
    H3 = 3  # 1. (仿宋, bold allowed)
    H4 = 4  # （1） (仿宋)


@dataclass(frozen=True)
class Block:
    level: Level
    text: str  # plain text: never HTML; the renderer escapes it


@dataclass(frozen=True)
class Document:
    issuer_mark: str  # 发文机关标志, e.g. "中共临河县委员会文件" or "中共临河县委员会"
    number: str  # 发文字号, e.g. "临河县委〔2026〕12号"; "" for an unsigned draft
    upward: bool  # reports to the upper committee: number left, 签发人 right
    signer: str  # 签发人 name (upward documents); "" otherwise
    title: str
    addressee: str  # 主送机关, without the trailing full-width colon
    blocks: tuple[Block, ...]
    attachments: tuple[str, ...] = ()  # 附件 names, in order
    signing_organ: str = ""  # 发文机关署名
    date: datetime.date | None = None  # 成文日期; rendered 2026年6月30日
    copy_to: str = ""  # 抄送
    printer: str = ""  # 印发机关
    printed_on: datetime.date | None = None  # 印发日期
    delegation_note: str = ""  # e.g. "（受书记委托签发）" when a deputy signed under delegation
    draft: bool = False  # watermark the preview of an unsigned draft
    extra: dict = field(default_factory=dict)


def in_document_language(func):
    """Official text (titles, bodies, notes, notices to others) is written in the documents' language,
    Chinese, whichever interface language the person who triggers it happens to use."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper
