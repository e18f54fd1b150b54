"""The one path from a `Document` to a PDF in the GB/T 9704-2012 layout (党政机关公文格式).

`render_html` fills templates/reporting/pdf/document.html (which extends the one print
stylesheet, static/reporting/pdf.css, through base.html); `render_pdf` hands that HTML to
WeasyPrint with a URL fetcher that serves the project's own static files and the
configured font files, and refuses everything else: a PDF is built from Zeren's data and
files, never from a URL that a piece of user text might smuggle in.

Fonts are a deployment's choice (settings.ZEREN_PDF_FONTS): an organization licensed for
方正小标宋 and 仿宋_GB2312 names them there; the defaults are free fonts from Debian. Each face is
prepared once per deployment and used from its prepared files (reporting/fonts.py).
"""

from __future__ import annotations

import atexit
import functools
import logging
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from reporting import typesetting
from reporting.document import Block, Document, Level
from responsibilities.text import chinese_date

FONT_ROLES = ("title", "body", "heiti", "kaiti", "songti")
FONT_FILE_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2")
# The generic family fontconfig falls back to when a configured face lacks a character.
GENERIC_FAMILY = {"title": "serif", "body": "serif", "heiti": "sans-serif", "kaiti": "serif", "songti": "serif"}
WEIGHTS = {"bold": 700, "black": 900, "heavy": 900, "medium": 500, "regular": 400}

STATIC_SCHEME = "zeren-static:"
FONT_SCHEME = "zeren-font:"

# The issuing-organ mark is set at 小初 (36 pt) and shrinks so that it stays on one line.
ISSUER_MARK_MAX_PT = 36
TEXT_BLOCK_WIDTH_PT = 440  # 156 mm is 442.2 pt; keep a little air at both ends

CHINESE_DIGITS = "零一二三四五六七八九"

# WeasyPrint logs every layout step of every page at INFO: two dozen lines per document
# would drown the worker's log during bulk rendering.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class PdfResourceRefused(Exception):
    """The document asked for a resource outside the project's static files and fonts."""


class PdfRenderingError(Exception):
    """WeasyPrint could not render the document (a refused or missing resource)."""


# --- fonts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfFont:
    """One font role of a 公文: a fontconfig family (optionally `:bold`) or a font file."""

    role: str
    family: str
    weight: int = 400
    path: Path | None = None

    @classmethod
    def parse(cls, role: str, value: str) -> PdfFont:
        value = str(value).strip()
        if not value:
            raise ImproperlyConfigured(f"ZEREN_PDF_FONTS[{role!r}] 为空。")
        if "/" in value or value.lower().endswith(FONT_FILE_SUFFIXES):
            # A file gets a family of its own, declared with @font-face in base.html.
            return cls(role=role, family=f"zeren-{role}", path=Path(value))
        family, _, style = value.partition(":")
        weight = WEIGHTS.get(style.strip().lower(), 400) if style else 400
        return cls(role=role, family=family.strip(), weight=weight)

    @property
    def css_family(self) -> str:
        return f"{css_string(self.family)}, {GENERIC_FAMILY[self.role]}"


def configured_fonts() -> dict[str, PdfFont]:
    fonts = getattr(settings, "ZEREN_PDF_FONTS", {})
    missing = [role for role in FONT_ROLES if role not in fonts]
    if missing:
        raise ImproperlyConfigured(f"ZEREN_PDF_FONTS 缺少字体角色：{', '.join(missing)}。")
    return {role: PdfFont.parse(role, fonts[role]) for role in FONT_ROLES}


def css_string(value: str) -> str:
    """A CSS string literal that cannot end the string, the rule or the <style> element."""
    escaped = "".join(
        f"\\{ord(ch):x} " if ch in '"\\<>\n\r\f' or ord(ch) < 0x20 else ch for ch in value
    )
    return f'"{escaped}"'


def font_css(fonts: dict[str, PdfFont]) -> SafeString:
    """The font rules of base.html; the layout lives in static/reporting/pdf.css.

    Each configured face is used through its prepared files (reporting.fonts: made once per
    deployment, no empty glyphs mapped): the role's own face — the characters documents use, then
    the whole face — then the whole of every other configured face, then the generic family, so a
    character the role's face does not really draw is printed in a face that does (issue #10 §5)."""
    from reporting import fonts as prepared_fonts

    prepared = prepared_fonts.prepared_faces(fonts)
    faces: list[prepared_fonts.PreparedFace] = []
    names: list[str] = []  # the configured family of each face, kept in its CSS family (and the PDF's font name)
    rules = []

    def face_family(n: int, part: str) -> str:
        return css_string(f"Zeren{n} {part} {names[n]}")

    for role, font in fonts.items():
        face = prepared[role]
        if face is None:
            if font.path is not None:
                rules.append(
                    f"@font-face {{ font-family: {css_string(font.family)}; src: url({FONT_SCHEME}{font.role}); }}"
                )
        elif face not in faces:
            faces.append(face)
            names.append(font.family)
            rules += [
                f"@font-face {{ font-family: {face_family(len(faces) - 1, part)}; font-weight: {font.weight}; "
                f"src: url({FONT_SCHEME}{prepared_fonts.served_name(face, part)}); }}"
                for part in ("common", "full")
            ]

    def family(role: str) -> str:
        font, own = fonts[role], prepared[role]
        chain = [] if own is not None else [css_string(font.family)]
        if own is not None:
            chain += [face_family(faces.index(own), "common"), face_family(faces.index(own), "full")]
        # Another face's common characters are all in its whole face: the fallback needs only that.
        chain += [face_family(n, "full") for n, face in enumerate(faces) if face is not own]
        return ", ".join([*chain, GENERIC_FAMILY[role]])

    title = fonts["title"]
    rules += [
        f"html {{ font-family: {family('body')}; font-weight: {fonts['body'].weight}; }}",
        f".issuer-mark, .title {{ font-family: {family('title')}; font-weight: {title.weight}; }}",
        f".h1, .watermark {{ font-family: {family('heiti')}; font-weight: {fonts['heiti'].weight}; }}",
        f".h2, .signer-name {{ font-family: {family('kaiti')}; font-weight: {fonts['kaiti'].weight}; }}",
    ]
    songti = f"font-family: {family('songti')}; font-weight: {fonts['songti'].weight};"
    rules += [
        f"@page :right {{ @bottom-right {{ {songti} }} }}",
        f"@page :left {{ @bottom-left {{ {songti} }} }}",
    ]
    # Every value went through css_string, is a number or is made here: nothing from outside the
    # settings reaches this block, and nothing in it can close the <style> element.
    return mark_safe("\n".join(rules))  # noqa: S308


# --- the URL fetcher ---------------------------------------------------------------------


def _static_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, (tuple, list)) else entry))
    return [root.resolve() for root in roots]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves `zeren-static:<path>` (and file:// under the static roots) and `zeren-font:<role>`.

        Anything else — http(s), data:, ftp:, a file elsewhere on the disk — is refused.
        With `fail_on_errors` a refusal stops the rendering instead of leaving a hole.
        """

        def __init__(self, fonts: dict[str, PdfFont]):
            super().__init__(fail_on_errors=True)
            self.fonts = fonts

        def fetch(self, url, headers=None):
            path = self.resolve(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )

        def resolve(self, url: str) -> Path:
            if url.startswith(STATIC_SCHEME):
                return self._static(url.removeprefix(STATIC_SCHEME))
            if url.startswith(FONT_SCHEME):
                from reporting.fonts import served_file

                prepared = served_file(url.removeprefix(FONT_SCHEME))
                if prepared is not None:
                    return prepared
                font = self.fonts.get(url.removeprefix(FONT_SCHEME))
                if font is None or font.path is None:
                    raise PdfResourceRefused(f"未配置的字体：{url}")
                return font.path
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if _inside(path, _static_roots() + _app_static_roots()) and path.is_file():
                    return path
            raise PdfResourceRefused(f"公文 PDF 只使用本系统的静态文件，拒绝获取：{url[:200]}")

        def _static(self, relative: str) -> Path:
            relative = relative.split("?", 1)[0].split("#", 1)[0].lstrip("/")
            if not relative or any(part in ("", ".", "..") for part in relative.split("/")):
                raise PdfResourceRefused(f"无效的静态文件路径：{relative[:200]}")
            found = finders.find(relative)
            candidates = [Path(found)] if found else []
            if settings.STATIC_ROOT:
                candidates.append(Path(settings.STATIC_ROOT) / relative)
            for candidate in candidates:
                path = candidate.resolve()
                if path.is_file() and _inside(path, _static_roots() + _app_static_roots()):
                    return path
            raise PdfResourceRefused(f"静态文件不存在：{relative[:200]}")

    return StaticOnlyFetcher


def _app_static_roots() -> list[Path]:
    """Apps' own static/ folders, which the finders also search."""
    from django.apps import apps

    return [
        (Path(config.path) / "static").resolve()
        for config in apps.get_app_configs()
        if (Path(config.path) / "static").is_dir()
    ]


def url_fetcher(fonts: dict[str, PdfFont] | None = None):
    """The restricted fetcher every PDF of Zeren is rendered with."""
    return _fetcher_class()(fonts if fonts is not None else configured_fonts())


# --- the document ------------------------------------------------------------------------


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (heading numbers never go further)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 20:
        return "十" + (CHINESE_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return CHINESE_DIGITS[n // 10] + "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def heading_number(level: Level, n: int) -> str:
    return {
        Level.H1: f"{chinese_numeral(n)}、",
        Level.H2: f"（{chinese_numeral(n)}）",
        Level.H3: f"{n}.",
        Level.H4: f"（{n}）",
    }[level]


@dataclass(frozen=True)
class NumberedBlock:
    level: Level
    number: str  # 一、 / （一） / 1. / （1）; "" for a paragraph
    text: str

    @property
    def css_class(self) -> str:
        return "p" if self.level == Level.PARAGRAPH else f"h{int(self.level)}"


def numbered_blocks(blocks: tuple[Block, ...]) -> list[NumberedBlock]:
    """Number the headings from their order: each level counts under its parent and restarts there."""
    counters = dict.fromkeys((Level.H1, Level.H2, Level.H3, Level.H4), 0)
    numbered = []
    for block in blocks:
        level = Level(block.level)
        number = ""
        if level != Level.PARAGRAPH:
            counters[level] += 1
            for deeper in counters:
                if deeper > level:
                    counters[deeper] = 0
            number = heading_number(level, counters[level])
        numbered.append(NumberedBlock(level=level, number=number, text=block.text))
    return numbered


@dataclass(frozen=True)
class AttachmentLine:
    number: str  # "1." … ; "" for a single attachment
    name: str

    def __str__(self) -> str:
        return f"{self.number}{self.name}"


def attachment_lines(names: tuple[str, ...]) -> list[AttachmentLine]:
    """The 附件说明 (GB/T 9704-2012 7.3.4): one attachment is not numbered; several are numbered with
    Arabic numerals, 1.名称 (no space); no punctuation after a name. The template sets 附件： before the
    first line and aligns wrapped lines with the first character of the name."""
    names = tuple(name.strip().rstrip("。，、；：.,;:") for name in names)
    if len(names) == 1:
        return [AttachmentLine("", names[0])]
    return [AttachmentLine(f"{i}.", name) for i, name in enumerate(names, start=1)]


def attachment_labels(count: int) -> list[str]:
    """The 附件 mark of each attachment's first page: 附件 alone for a single one, else 附件1, 附件2 …
    (GB/T 9704-2012 8: "附件"二字及附件顺序号用3号黑体字顶格编排在版心左上角第一行)."""
    return ["附件"] if count == 1 else [f"附件{i}" for i in range(1, count + 1)]


def issuer_mark_size(mark: str) -> float:
    return min(ISSUER_MARK_MAX_PT, round(TEXT_BLOCK_WIDTH_PT / max(len(mark), 1), 1))


def render_html(document: Document, *, fonts: dict[str, PdfFont] | None = None, closing_on_next_page: bool = False,
                stylesheets_given: bool = False) -> str:
    """The HTML of `document`; `closing_on_next_page` starts the 版记 on a page of its own (see render_pdf).
    With `stylesheets_given` it neither links pdf.css nor holds the font rules: the caller passes them
    parsed (`stylesheets`)."""
    fonts = fonts if fonts is not None else configured_fonts()
    delegation = document.delegation_note.strip()
    if delegation and not delegation.startswith("（"):
        delegation = f"（{delegation}）"
    signers = typesetting.signer_names(document.signer) if document.signer and not document.draft else []
    context = {
        "doc": document,
        "title_lines": typesetting.title_lines(document.title),
        "signer_lines": typesetting.signer_lines(document.number, signers),
        # the grid's character pitch (16 pt less 0.21 pt of letter-spacing), and a hair for rounding
        "signer_width_pt": round(typesetting.signer_block_em(signers) * 15.79 + 0.3, 2),
        "font_css": font_css(fonts),
        "number": "" if document.draft else document.number,
        "issuer_mark_pt": issuer_mark_size(document.issuer_mark),
        "blocks": numbered_blocks(document.blocks),
        "attachments": attachment_lines(document.attachments),
        "date": chinese_date(document.date),
        "printed_on": chinese_date(document.printed_on),
        "delegation": delegation,
        "copy_to": document.copy_to.strip().rstrip("。"),
        "static": STATIC_SCHEME,
        "closing_on_next_page": closing_on_next_page,
        "stylesheets_given": stylesheets_given,
    }
    return render_to_string("reporting/pdf/document.html", context)


def has_closing(document: Document) -> bool:
    """Whether `document` has a 版记 (抄送, 印发机关 or 印发日期)."""
    return bool(document.copy_to.strip() or document.printer or document.printed_on or document.extra.get("anchor"))


# WeasyPrint's FontConfiguration loads fontconfig's whole font set and keeps Pango's font
# cache; building one per document costs more than laying out ten pages. One per thread
# (Pango is not thread-safe), rebuilt when the configured fonts change.
_local = threading.local()


@atexit.register
def _release_at_exit() -> None:
    """Drop this thread's font configuration and stylesheets while the interpreter can still run their
    finalizers: left to the end of the interpreter, FontConfiguration.__del__ finds WeasyPrint's C
    bindings gone and prints a traceback on exit."""
    _local.__dict__.clear()


def _font_configuration(fonts: dict[str, PdfFont]):
    from weasyprint.text.fonts import FontConfiguration

    key = tuple(fonts.values())
    if getattr(_local, "font_key", None) != key:
        _local.font_config = FontConfiguration()
        _local.font_key = key
    return _local.font_config


def stylesheets(fonts: dict[str, PdfFont]) -> list:
    """pdf.css and the font rules (`font_css`) as WeasyPrint stylesheets, parsed once per thread with its
    font configuration (`_font_configuration`, which their @font-face rules are added to) and parsed again
    only when the fonts, their rules or pdf.css change. Parsing them took about a sixth of a two-page
    rendering. Passed to `render` they are of the user origin, below the style attributes as before."""
    from weasyprint import CSS

    font_config = _font_configuration(fonts)
    fetcher = url_fetcher(fonts)
    sheet_url = f"{STATIC_SCHEME}reporting/pdf.css"
    rules = str(font_css(fonts))
    key = (tuple(fonts.values()), rules, fetcher.resolve(sheet_url).stat().st_mtime_ns, id(font_config))
    if getattr(_local, "stylesheets_key", None) != key:
        _local.stylesheets = [
            CSS(url=sheet_url, url_fetcher=fetcher, font_config=font_config),
            CSS(string=rules, url_fetcher=fetcher, font_config=font_config),
        ]
        _local.stylesheets_key = key
    return _local.stylesheets


def _label_pdf(label: str, width: float, height: float, fonts: dict[str, PdfFont]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reporting/pdf/attachment_label.html", {
        "label": label, "font_css": font_css(fonts), "static": STATIC_SCHEME,
        "width": round(width, 2), "height": round(height, 2),
    })
    return HTML(string=html, url_fetcher=url_fetcher(fonts)).write_pdf(font_config=_font_configuration(fonts))


def append_attachments(body: bytes, attachments: list[tuple[str, Path]]) -> bytes:
    """`body` followed by each attached PDF, its first page marked with its label (附件1 …) in 3号黑体
    at the top left of the page: 28 mm from the left edge like the 版心, 18 mm from the top — above the
    版心, so that the mark never covers the first line of a file typeset elsewhere (GB/T 9704-2012
    puts it on the 版心's first line of an attachment typeset with the document). Raises
    PdfRenderingError when an attached file cannot be read as a PDF."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    fonts = configured_fonts()
    writer = PdfWriter(clone_from=io.BytesIO(body))
    for label, path in attachments:
        start = len(writer.pages)
        try:
            writer.append(PdfReader(path))
        except (PdfReadError, OSError, ValueError) as exc:
            raise PdfRenderingError(f"无法读取附件 PDF：{path.name}") from exc
        if len(writer.pages) == start:
            continue
        page = writer.pages[start]
        page.transfer_rotation_to_content()
        box = page.mediabox
        stamp = PdfReader(io.BytesIO(_label_pdf(label, float(box.width), float(box.height), fonts))).pages[0]
        page.merge_translated_page(stamp, float(box.left), float(box.bottom), over=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def attachment_page_count(path: Path) -> int:
    """How many pages a stored PDF has; PdfRenderingError when it cannot be read (damaged, encrypted)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise PdfRenderingError("encrypted")
        return len(reader.pages)
    except (PdfReadError, OSError, ValueError) as exc:
        raise PdfRenderingError(str(exc)) from exc


def render_pdf(document: Document) -> bytes:
    """The PDF of a formal document, GB/T 9704-2012, as bytes."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fonts = configured_fonts()

    def render(closing_on_next_page: bool):
        html = render_html(document, fonts=fonts, closing_on_next_page=closing_on_next_page, stylesheets_given=True)
        return HTML(string=html, url_fetcher=url_fetcher(fonts)).render(
            font_config=_font_configuration(fonts), stylesheets=stylesheets(fonts))

    try:
        rendered = render(False)
        if len(rendered.pages) % 2 and has_closing(document):
            # The 版记 closes the document on its last page, which is even (封四, GB/T 9704-2012 7.4.1 and
            # 10.1): when the text ends on an odd page, or fills an even one, the 版记 goes to the foot of the
            # next even page (break-before: left), after a blank page if need be.
            rendered = render(True)
        return rendered.write_pdf()
    except FatalURLFetchingError as exc:
        # WeasyPrint signals it with a BaseException; the callers (views, tasks) expect an Exception.
        raise PdfRenderingError(str(exc.__cause__ or exc)) from exc

