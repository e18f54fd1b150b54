"""GB/T 9704-2012 PDFs, measured from the PDF itself with pdfplumber.

Positions are in millimetres from the top-left corner of the page. Where a line's vertical
place matters we use its CJK em box — from the baseline (the glyph matrix) 0.88 em up and
0.12 em down, the ideographic em box of the Noto CJK fonts — not pdfplumber's `top`, which
comes from the font's overall ascent and descent.
"""

from __future__ import annotations

import datetime
import http.server
import io
import json
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from django.conf import settings

from reporting import checks, pdf
from reporting.document import Block, Document, Level
from reporting.tasks import document_from_payload, document_to_payload, render_pdf_task

MM = 72 / 25.4
TOP, LEFT, BLOCK_W, BLOCK_H = 37, 28, 156, 225
BLOCK_BOTTOM, BLOCK_RIGHT = TOP + BLOCK_H, LEFT + BLOCK_W
CHAR = BLOCK_W / 28  # one character of the grid, in mm
PITCH = BLOCK_H / 22  # one line of the grid, in mm
BODY_FONT = "Noto-Serif-CJK-SC"

# 161 characters and a full stop: six lines with the two-character indent, and the stop never
# lands at the start of a line (where the line-breaking rules would pull a character down to it).
SENTENCE = "全面落实意识形态工作责任制各级党组织切实履行主体责任把意识形态工作纳入重要议事日程"
PARAGRAPH = (SENTENCE * 4)[:161] + "。"


def paragraph(n: int = 1) -> Block:
    return Block(Level.PARAGRAPH, PARAGRAPH * n)


# The body of the test report: the headings in order, and a long run of plain paragraphs in
# section one so that several pages hold nothing but 22 full lines.
OUTLINE = (
    (Level.H1, "上半年工作开展情况"),
    (Level.H2, "压实责任"), (Level.H3, "健全制度"), (Level.H4, "专题研究"), (Level.PARAGRAPH, 1),
    (Level.H4, "分析研判"), (Level.PARAGRAPH, 1), (Level.H3, "督促检查"), (Level.PARAGRAPH, 1),
    (Level.H2, "阵地管理"), (Level.H3, "健全制度"), (Level.PARAGRAPH, 1), (Level.H3, "督促检查"),
    (Level.PARAGRAPH, 17),  # with 18 the text filled page 10 and the 版记 went to page 12, after a blank 11
    (Level.H1, "存在的问题"), (Level.PARAGRAPH, 3),
    (Level.H1, "下半年工作打算"),
    (Level.H2, "压实责任"), (Level.H3, "健全制度"), (Level.H4, "专题研究"), (Level.H4, "分析研判"),
    (Level.PARAGRAPH, 2), (Level.H2, "阵地管理"), (Level.PARAGRAPH, 3),
)


def half_yearly_report(**overrides) -> Document:
    """About ten pages: three sections with headings on all four levels."""
    blocks = []
    for level, content in OUTLINE:
        if level == Level.PARAGRAPH:
            blocks += [paragraph()] * content
        else:
            blocks.append(Block(level, content))
    fields = {
        "issuer_mark": "中共X县委员会",
        "number": "X县委〔2026〕12号",
        "upward": True,
        "signer": "王建国",
        "title": "中共X县委员会关于2026年上半年意识形态工作责任制落实情况的报告",
        "addressee": "中共Y市委",
        "blocks": tuple(blocks),
        "attachments": ("意识形态工作责任制落实情况统计表", "重点任务清单"),
        "signing_organ": "中共X县委员会",
        "date": datetime.date(2026, 6, 30),
        "copy_to": "市委宣传部",
        "printer": "中共X县委办公室",
        "printed_on": datetime.date(2026, 7, 2),
    }
    return Document(**{**fields, **overrides})


def notice(**overrides) -> Document:
    """A short downward document (通报): number centred, no 签发人."""
    fields = {
        "issuer_mark": "中共X县委员会文件",
        "number": "X县委〔2026〕3号",
        "upward": False,
        "signer": "",
        "title": "关于2026年上半年意识形态工作考核结果的通报",
        "addressee": "各乡镇党委，县直各单位党组（党委）",
        "blocks": (paragraph(), paragraph()),
        "signing_organ": "中共X县委员会",
        "date": datetime.date(2026, 1, 5),
    }
    return Document(**{**fields, **overrides})


# --- reading a PDF --------------------------------------------------------------------------


class Line:
    def __init__(self, chars: list[dict], page_height: float):
        self.chars = chars
        self.text = "".join(c["text"] for c in chars)
        self.size = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
        self.fontname = chars[0]["fontname"]
        self.x0 = min(c["x0"] for c in chars) / MM
        self.x1 = max(c["x1"] for c in chars) / MM
        self.baseline = (page_height - chars[0]["matrix"][5]) / MM
        self.em_top = self.baseline - 0.88 * self.size / MM
        self.em_bottom = self.baseline + 0.12 * self.size / MM
        # The grid slot the line sits in: one line pitch, centred on the em box.
        self.slot_top = (self.em_top + self.em_bottom) / 2 - PITCH / 2

    def __repr__(self):
        return f"<Line {self.text[:20]!r} x0={self.x0:.1f} top={self.em_top:.1f}>"


class Page:
    def __init__(self, page):
        self.width, self.height = page.width, page.height
        self.number = page.page_number
        self.lines = [Line(line["chars"], page.height) for line in page.extract_text_lines()]
        self.rects = [
            {
                "x0": r["x0"] / MM, "x1": r["x1"] / MM, "top": r["top"] / MM,
                "bottom": r["bottom"] / MM, "color": r.get("non_stroking_color"),
            }
            for r in page.rects
        ]

    @property
    def text_lines(self) -> list[Line]:
        """The lines inside the text block (not the page number)."""
        return [line for line in self.lines if line.em_top < BLOCK_BOTTOM]

    @property
    def page_number(self) -> Line:
        (line,) = [line for line in self.lines if line.em_top > BLOCK_BOTTOM]
        return line

    def find(self, text: str) -> Line:
        matches = [line for line in self.lines if text in line.text]
        assert matches, f"{text!r} not on page {self.number}: {self.lines}"
        return matches[0]

    def has(self, text: str) -> bool:
        return any(text in line.text for line in self.lines)


def read(pdf_bytes: bytes) -> list[Page]:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
        return [Page(page) for page in document.pages]


def is_red(color) -> bool:
    return color is not None and len(color) == 3 and color[0] > 0.8 and color[1] < 0.2 and color[2] < 0.2


@pytest.fixture(scope="module")
def report() -> list[Page]:
    return read(pdf.render_pdf(half_yearly_report()))


@pytest.fixture(scope="module")
def downward() -> list[Page]:
    return read(pdf.render_pdf(notice()))


def full_pages(pages: list[Page]) -> list[Page]:
    """Pages that hold nothing but paragraphs of the test report."""
    return [
        page for page in pages[1:-1]
        if page.text_lines and all(line.text in PARAGRAPH for line in page.text_lines)  # not a blank page
    ]


# --- page and text block --------------------------------------------------------------------


def test_the_report_runs_to_about_ten_a4_pages(report):
    assert 9 <= len(report) <= 11
    for page in report:
        assert page.width == pytest.approx(595.3, abs=1)
        assert page.height == pytest.approx(841.9, abs=1)


def test_body_text_starts_28_mm_from_the_left_and_37_mm_from_the_top(report):
    pages = full_pages(report)
    assert len(pages) >= 3
    for page in pages:
        lines = page.text_lines
        assert lines[0].slot_top == pytest.approx(TOP, abs=1)
        assert lines[-1].slot_top + PITCH <= BLOCK_BOTTOM + 1
        for line in lines:
            indent = line.x0 - LEFT
            assert indent == pytest.approx(0, abs=0.3) or indent == pytest.approx(2 * CHAR, abs=0.3), line
            assert line.x1 <= BLOCK_RIGHT + 0.5


def test_a_full_page_has_22_lines_of_28_characters(report):
    pages = full_pages(report)
    assert len(pages) >= 3
    for page in pages:
        lines = page.text_lines
        assert len(lines) == 22, page.number
        pitches = [b.baseline - a.baseline for a, b in zip(lines, lines[1:], strict=False)]
        assert pitches == pytest.approx([PITCH] * 21, abs=0.05)
        for line, following in zip(lines, lines[1:], strict=False):
            assert len(line.text) <= 28
            if following.x0 - LEFT < CHAR:  # the paragraph goes on: this line is full
                indent = 2 if line.x0 - LEFT > CHAR else 0
                assert len(line.text) + indent == 28, line


def test_body_is_3hao_16pt_and_the_title_2hao_22pt(report):
    first = report[0]
    assert first.find("关于2026年上半年").size == pytest.approx(22, abs=0.1)
    for page in full_pages(report):
        assert {line.size for line in page.text_lines} == {16}


def test_paragraphs_and_headings_are_indented_two_characters(report):
    first = report[0]
    assert first.find("一、上半年工作开展情况").x0 - LEFT == pytest.approx(2 * CHAR, abs=0.3)
    assert first.find("中共Y市委：").x0 == pytest.approx(LEFT, abs=0.3)


# --- 版头 -------------------------------------------------------------------------------------


def test_the_issuing_organ_mark_is_red_centred_35_mm_below_the_top_of_the_text_block(report):
    mark = report[0].find("中共X县委员会")
    assert mark.em_top - TOP == pytest.approx(35, abs=1)
    assert (mark.x0 + mark.x1) / 2 == pytest.approx(LEFT + BLOCK_W / 2, abs=1)
    assert all(is_red(c["non_stroking_color"]) for c in mark.chars)
    assert mark.size > 22


def test_the_upward_number_sits_left_and_the_signer_right_two_lines_below_the_mark(report):
    first = report[0]
    mark = first.find("中共X县委员会")
    number = first.find("X县委〔2026〕12号")
    assert re.search(r"X县委〔2026〕12号", number.text)
    assert number.x0 - LEFT == pytest.approx(CHAR, abs=0.3)
    assert "签发人：王建国" in number.text
    signer_end = max(c["x1"] for c in number.chars if c["text"] == "国") / MM
    assert BLOCK_RIGHT - signer_end == pytest.approx(CHAR, abs=0.5)
    signer_name = [c for c in number.chars if c["text"] in "王建国"]
    assert all("UKai" in c["fontname"] for c in signer_name)  # 签发人姓名 in 楷体
    # Two blank lines between the mark and the number.
    assert number.slot_top - mark.em_bottom == pytest.approx(2 * PITCH, abs=1)


def test_the_downward_number_is_centred_and_has_no_signer(downward):
    number = downward[0].find("X县委〔2026〕3号")
    assert number.text == "X县委〔2026〕3号"
    assert (number.x0 + number.x1) / 2 == pytest.approx(LEFT + BLOCK_W / 2, abs=1)
    assert not downward[0].has("签发人")


@pytest.mark.parametrize("which", ["report", "downward"])
def test_a_red_rule_the_width_of_the_text_block_lies_4_mm_below_the_number(which, request):
    first = request.getfixturevalue(which)[0]
    number = first.find("〔2026〕")
    (rule,) = [r for r in first.rects if is_red(r["color"])]
    assert rule["x1"] - rule["x0"] == pytest.approx(BLOCK_W, abs=0.5)
    assert rule["x0"] == pytest.approx(LEFT, abs=0.5)
    assert rule["top"] - number.em_bottom == pytest.approx(4, abs=0.6)


def test_the_title_is_centred_two_lines_below_the_rule_and_the_addressee_one_line_below(report):
    first = report[0]
    (rule,) = [r for r in first.rects if is_red(r["color"])]
    title = [line for line in first.lines if line.size == 22]
    assert "".join(line.text for line in title) == half_yearly_report().title
    assert title[0].slot_top - rule["bottom"] == pytest.approx(2 * PITCH, abs=1)
    for line in title:
        assert (line.x0 + line.x1) / 2 == pytest.approx(LEFT + BLOCK_W / 2, abs=1.5)
    assert "Bold" in title[0].fontname
    addressee = first.find("中共Y市委：")
    assert addressee.text.endswith("：")
    assert addressee.slot_top - (title[-1].slot_top + PITCH) == pytest.approx(PITCH, abs=1)


def test_a_document_without_an_issuing_organ_mark_starts_with_its_title():
    pages = read(pdf.render_pdf(notice(issuer_mark="", number="")))
    title = [line for line in pages[0].lines if line.size == 22]
    assert title[0].slot_top == pytest.approx(TOP, abs=1)
    assert not [r for r in pages[0].rects if is_red(r["color"])]


# --- headings ---------------------------------------------------------------------------------


def test_headings_are_numbered_from_their_order_each_level_restarting_under_its_parent():
    blocks = (
        Block(Level.H1, "甲"), Block(Level.H2, "乙"), Block(Level.H3, "丙"), Block(Level.H4, "丁"),
        Block(Level.H4, "戊"), Block(Level.PARAGRAPH, "正文"), Block(Level.H3, "己"),
        Block(Level.H4, "庚"), Block(Level.H2, "辛"), Block(Level.H3, "壬"), Block(Level.H1, "癸"),
        Block(Level.H2, "子"),
    )
    numbers = [(b.number, b.text) for b in pdf.numbered_blocks(blocks)]
    assert numbers == [
        ("一、", "甲"), ("（一）", "乙"), ("1.", "丙"), ("（1）", "丁"), ("（2）", "戊"), ("", "正文"),
        ("2.", "己"), ("（1）", "庚"), ("（二）", "辛"), ("1.", "壬"), ("二、", "癸"), ("（一）", "子"),
    ]


@pytest.mark.parametrize(("n", "numeral"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (99, "九十九")])
def test_chinese_numerals(n, numeral):
    assert pdf.chinese_numeral(n) == numeral


def test_the_pdf_shows_the_heading_numbers_in_their_fonts(report):
    lines = [line for page in report for line in page.lines]
    h1 = [line for line in lines if re.match(r"^[一二三]、", line.text)]
    assert [line.text for line in h1] == ["一、上半年工作开展情况", "二、存在的问题", "三、下半年工作打算"]
    assert all("Sans-CJK" in line.fontname for line in h1)  # 黑体
    h2 = [line for line in lines if re.match(r"^（[一二三]）", line.text)]
    assert [line.text for line in h2] == ["（一）压实责任", "（二）阵地管理", "（一）压实责任", "（二）阵地管理"]
    assert all("UKai" in line.fontname for line in h2)  # 楷体
    in_body = [line for line in lines if line.x0 - LEFT == pytest.approx(2 * CHAR, abs=0.3)]
    h3 = [line for line in in_body if re.match(r"^\d\.", line.text)]
    assert [line.text for line in h3] == ["1.健全制度", "2.督促检查", "1.健全制度", "2.督促检查", "1.健全制度"]
    h4 = [line for line in in_body if re.match(r"^（\d）", line.text)]
    assert [line.text for line in h4] == ["（1）专题研究", "（2）分析研判", "（1）专题研究", "（2）分析研判"]
    assert all(line.fontname.endswith(BODY_FONT) for line in h3 + h4)  # 仿宋 (the body font)


def test_attachments_follow_the_body_numbered(report):
    lines = [line for page in report for line in page.lines]
    first = next(line for line in lines if line.text.startswith("附件："))
    assert first.text == "附件：1.意识形态工作责任制落实情况统计表"  # pdfplumber drops the space
    assert first.x0 - LEFT == pytest.approx(2 * CHAR, abs=0.3)
    second = lines[lines.index(first) + 1]
    assert second.text == "2.重点任务清单"
    assert second.x0 - LEFT == pytest.approx(5 * CHAR, abs=0.5)  # aligned under "1."


def test_the_date_is_in_arabic_numerals_right_indented_four_characters_under_the_centred_organ(report):
    lines = [line for page in report for line in page.lines]
    date = next(line for line in lines if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line.text))
    assert date.text == "2026年6月30日"
    assert BLOCK_RIGHT - date.x1 == pytest.approx(4 * CHAR, abs=0.6)
    organ = lines[lines.index(date) - 1]
    assert organ.text == "中共X县委员会"
    assert (organ.x0 + organ.x1) / 2 == pytest.approx((date.x0 + date.x1) / 2, abs=0.5)


def test_the_closing_block_is_at_the_foot_of_the_last_page_only(report):
    *others, last = report
    for page in others:
        assert not page.has("抄送") and not page.has("印发")
    copy_to = last.find("抄送：")
    assert copy_to.text == "抄送：市委宣传部。"
    assert copy_to.size == pytest.approx(14, abs=0.1)
    printed = last.find("印发")
    assert printed.size == pytest.approx(14, abs=0.1)
    assert printed.text.startswith("中共X县委办公室") and printed.text.endswith("2026年7月2日印发")
    assert printed.x0 - LEFT == pytest.approx(14 / MM, abs=0.5)  # 印发机关 one character in
    assert BLOCK_RIGHT - printed.x1 == pytest.approx(14 / MM, abs=0.5)  # 印发日期 one character in
    rules = sorted((r for r in last.rects if not is_red(r["color"])), key=lambda r: r["top"])
    assert len(rules) == 3
    for rule in rules:
        assert rule["x1"] - rule["x0"] == pytest.approx(BLOCK_W, abs=0.5)
    assert rules[0]["top"] < copy_to.em_top and rules[1]["top"] > copy_to.em_bottom
    assert rules[1]["bottom"] < printed.em_top and rules[2]["top"] > printed.em_bottom
    assert rules[2]["bottom"] == pytest.approx(BLOCK_BOTTOM, abs=0.5)  # at the foot of the text block


def test_a_delegated_signature_says_so_below_the_date():
    pages = read(pdf.render_pdf(notice(delegation_note="受书记委托签发")))
    lines = [line for page in pages for line in page.lines]
    note = next(line for line in lines if "委托" in line.text)
    assert note.text == "（受书记委托签发）"
    assert lines[lines.index(note) - 1].text == "2026年1月5日"


# --- page numbers -----------------------------------------------------------------------------


def test_page_numbers_alternate_sides_7_mm_below_the_text_block(report):
    for page in report:
        number = page.page_number
        assert number.text == f"—{page.number}—"
        dash, *digits, dash_again = number.chars
        assert digits[0]["x0"] - dash["x1"] > 0.2 * 14  # a half-width space each side
        assert dash_again["x0"] - digits[-1]["x1"] > 0.2 * 14
        assert number.size == pytest.approx(14, abs=0.1)
        assert number.em_top - BLOCK_BOTTOM == pytest.approx(7, abs=0.6)
        one_char = 14 / MM
        if page.number % 2:
            assert BLOCK_RIGHT - number.x1 == pytest.approx(one_char, abs=0.6)
        else:
            assert number.x0 - LEFT == pytest.approx(one_char, abs=0.6)


# --- drafts -----------------------------------------------------------------------------------


def test_a_draft_shows_a_watermark_on_every_page_and_no_number():
    draft = half_yearly_report(draft=True, blocks=(paragraph(), paragraph()) * 6)
    pages = read(pdf.render_pdf(draft))
    assert len(pages) >= 2
    for page in pages:
        chars = [c for line in page.lines for c in line.chars]
        assert {"草", "稿"} <= {c["text"] for c in chars if c["size"] > 60}
    assert not any(page.has("〔2026〕") or page.has("签发人") for page in pages)


# --- user text and the URL fetcher ------------------------------------------------------------


class CountingServer(http.server.ThreadingHTTPServer):
    hits = 0


@pytest.fixture
def bait_server():
    """A local HTTP server that counts requests: any hit means something was fetched."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.server.hits += 1
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = CountingServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_user_text_with_markup_and_urls_appears_literally_and_nothing_is_fetched(bait_server):
    base = f"http://127.0.0.1:{bait_server.server_port}"
    hostile = [
        "<script>alert(1)</script>",
        f'<img src="{base}/x.png">',
        f"<style>@import url({base}/a.css); body {{ background: url({base}/b.png) }}</style>",
        '<b>粗</b> &amp; </p><p style="color:red">',
        "url(file:///etc/passwd)",
    ]
    document = notice(
        title="<i>标题</i>", addressee="<u>各单位</u>",
        blocks=tuple(Block(Level.PARAGRAPH, text) for text in hostile),
        copy_to=f'<a href="{base}/c">链接</a>',
    )
    html = pdf.render_html(document)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    pages = read(pdf.render_pdf(document))
    text = "".join(line.text.replace(" ", "") for page in pages for line in page.lines)
    for piece in hostile + ["<i>标题</i>", "<u>各单位</u>："]:
        assert piece.replace(" ", "") in text
    assert bait_server.hits == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.com/font.ttf",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "ftp://example.com/x",
        "zeren-static:../../../../etc/passwd",
        "zeren-static:reporting/../../config/settings.py",
        "zeren-static:reporting/no-such-file.css",
        "zeren-font:body",  # not a file font in the default configuration
        "zeren-font:../../etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_the_projects_static_files(url):
    with pytest.raises(pdf.PdfResourceRefused):
        pdf.url_fetcher().fetch(url)


def test_the_fetcher_serves_the_projects_static_files():
    fetcher = pdf.url_fetcher()
    css = fetcher.fetch("zeren-static:reporting/pdf.css")
    assert b"@page" in css.read()
    on_disk = Path(settings.BASE_DIR, "static", "reporting", "pdf.css").resolve()
    assert b"@page" in fetcher.fetch(on_disk.as_uri()).read()


def test_markup_that_asks_for_an_outside_resource_stops_the_rendering(bait_server):
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    html = f'<p>x</p><img src="http://127.0.0.1:{bait_server.server_port}/x.png">'
    with pytest.raises(FatalURLFetchingError):
        HTML(string=html, url_fetcher=pdf.url_fetcher()).write_pdf()
    assert bait_server.hits == 0


# --- fonts ------------------------------------------------------------------------------------


def test_a_font_file_can_stand_in_for_a_role(settings):
    ukai = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
    if not ukai.exists():
        pytest.fail("fonts-arphic-ukai is not installed (Makefile RUN_DEBS)")
    settings.ZEREN_PDF_FONTS = {**settings.ZEREN_PDF_FONTS, "body": str(ukai)}
    fonts = pdf.configured_fonts()
    assert fonts["body"].path == ukai and fonts["body"].family == "zeren-body"
    assert pdf.url_fetcher(fonts).fetch("zeren-font:body").read(4) == ukai.read_bytes()[:4]
    pages = read(pdf.render_pdf(notice()))
    body = pages[0].find(PARAGRAPH[:10])
    assert "zeren-body" in body.fontname  # the prepared face keeps the configured name


def test_a_configured_font_file_that_is_missing_stops_the_rendering(settings, tmp_path):
    settings.ZEREN_PDF_FONTS = {**settings.ZEREN_PDF_FONTS, "title": str(tmp_path / "FZXBS.ttf")}
    with pytest.raises(pdf.PdfRenderingError):
        pdf.render_pdf(notice())


def test_font_settings_parse_families_weights_and_files():
    assert pdf.PdfFont.parse("title", "Noto Serif CJK SC:bold") == pdf.PdfFont("title", "Noto Serif CJK SC", 700)
    assert pdf.PdfFont.parse("body", "FangSong_GB2312") == pdf.PdfFont("body", "FangSong_GB2312", 400)
    assert pdf.PdfFont.parse("body", "/srv/fonts/fs.ttf").path == Path("/srv/fonts/fs.ttf")
    # A family name from the settings cannot break out of the CSS string or the <style> element.
    css = pdf.font_css({**pdf.configured_fonts(), "heiti": pdf.PdfFont("heiti", 'x"; } </style><script>')})
    assert "</style>" not in css and '"x\\22 ; } \\3c /style\\3e \\3c script\\3e "' in css


def run_settings(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean_env = {
        "PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings",
        "ZEREN_VAR_DIR": str(tmp_path / "var"), **env,
    }
    code = "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.ZEREN_PDF_FONTS))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=clean_env,
        capture_output=True, text=True, timeout=60,
    )


def test_the_environment_overrides_fonts_as_json(tmp_path):
    result = run_settings({"ZEREN_PDF_FONTS": json.dumps({"body": "FangSong_GB2312", "title": "/srv/xbs.ttf"})}, tmp_path)
    assert result.returncode == 0, result.stderr
    fonts = json.loads(result.stdout)
    assert fonts["body"] == "FangSong_GB2312" and fonts["title"] == "/srv/xbs.ttf"
    assert fonts["kaiti"] == "AR PL UKai CN"
    broken = run_settings({"ZEREN_PDF_FONTS": '{"body": '}, tmp_path)
    assert broken.returncode != 0 and "ZEREN_PDF_FONTS" in broken.stderr
    unknown = run_settings({"ZEREN_PDF_FONTS": '{"bodyy": "x"}'}, tmp_path)
    assert unknown.returncode != 0 and "ZEREN_PDF_FONTS" in unknown.stderr


# --- system checks ----------------------------------------------------------------------------


def test_no_warning_with_the_default_fonts_installed():
    assert checks.pdf_fonts_and_subsetter(None) == []


def test_a_missing_font_family_or_file_is_a_warning(settings):
    settings.ZEREN_PDF_FONTS = {
        **settings.ZEREN_PDF_FONTS, "title": "FZXiaoBiaoSong-B05S", "body": "/nonexistent/fs.ttf",
    }
    messages = checks.pdf_fonts_and_subsetter(None)
    assert [m.id for m in messages] == ["zeren.W201", "zeren.W201"]
    assert "FZXiaoBiaoSong-B05S" in messages[0].msg and "/nonexistent/fs.ttf" in messages[1].msg


def test_a_missing_bold_face_is_a_warning(settings):
    settings.ZEREN_PDF_FONTS = {**settings.ZEREN_PDF_FONTS, "title": "AR PL UKai CN:bold"}
    assert [m.id for m in checks.pdf_fonts_and_subsetter(None)] == ["zeren.W202"]


def test_missing_harfbuzz_subsetting_is_a_warning(monkeypatch):
    monkeypatch.setattr(checks.ctypes.util, "find_library", lambda name: None)
    messages = checks.pdf_fonts_and_subsetter(None)
    assert [m.id for m in messages] == ["zeren.W203"]
    assert "30" in messages[0].msg


# --- the bulk task ----------------------------------------------------------------------------


def test_the_render_task_takes_a_json_payload_and_returns_size_and_hash():
    document = notice(printed_on=datetime.date(2026, 1, 6), copy_to="市委宣传部", printer="县委办")
    payload = json.loads(json.dumps(document_to_payload(document)))
    assert document_from_payload(payload) == document
    result = render_pdf_task(payload)
    assert result["bytes"] > 10_000
    assert re.fullmatch(r"[0-9a-f]{64}", result["sha256"])
