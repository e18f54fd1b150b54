"""GB/T 9704-2012 layout kinds of issue #10 (items 1–4), measured from the rendered PDF with pdfplumber."""

from __future__ import annotations

import datetime

import pytest

from reporting import pdf, typesetting
from reporting.document import Block, Level
from tests.reporting.test_pdf import PITCH, half_yearly_report, notice, paragraph, read

# --- 1. titles break between words, balanced (7.3.1) -------------------------------------------


@pytest.mark.parametrize(("title", "lines"), [
    ("青山县委关于2026年上半年意识形态工作情况的报告", ["青山县委关于2026年上半年", "意识形态工作情况的报告"]),
    ("中共X县委员会关于2026年上半年意识形态工作责任制落实情况的报告",
     ["中共X县委员会关于2026年上半年", "意识形态工作责任制落实情况的报告"]),
    ("关于2026年上半年意识形态工作考核结果的通报", ["关于2026年上半年", "意识形态工作考核结果的通报"]),
    ("关于开展意识形态工作检查的通知", ["关于开展意识形态工作检查的通知"]),
    # the period stays whole; a long organ goes on a line of its own (梯形)
    ("中共江川市委员会关于2026年上半年意识形态工作情况的报告",
     ["中共江川市委员会", "关于2026年上半年意识形态工作情况的报告"]),
    ("青山县河口镇党委关于2026年第三季度意识形态工作专项督查情况的报告",
     ["青山县河口镇党委关于2026年第三季度", "意识形态工作专项督查情况的报告"]),
    # three lines: the middle one longest (菱形)
    ("城投集团工程建设公司党支部关于2026年上半年意识形态工作专项督查情况的报告",
     ["城投集团工程建设公司党支部", "关于2026年上半年意识形态", "工作专项督查情况的报告"]),
])
def test_titles_break_between_words_into_balanced_lines(title, lines):
    assert typesetting.title_lines(title) == lines


def test_a_number_with_its_unit_and_a_period_stay_together():
    assert "2026年上半年" in typesetting.words("中共青山县委员会关于2026年上半年意识形态工作情况的报告")
    assert "2026年第三季度" in typesetting.words("关于2026年第三季度意识形态工作的通报")
    assert "12号" in typesetting.words("关于12号文件的意见")


def test_no_title_line_is_wider_than_the_text_block_or_much_longer_than_the_next():
    for organ in ("中共江川市委员会", "青山县委", "城投集团工程建设公司党支部", "江川城投集团有限公司党委"):
        for matter in ("2026年上半年意识形态工作情况", "2026年第三季度意识形态工作专项督查情况", "重大情况"):
            lines = typesetting.title_lines(f"{organ}关于{matter}的报告")
            widths = [typesetting.em_width(line) for line in lines]
            assert "".join(lines) == f"{organ}关于{matter}的报告"
            assert max(widths) <= 20
            assert not any(line.endswith("关于") or line.startswith("的") for line in lines)
            if len(lines) == 2:
                assert widths[0] <= widths[1] + 3, lines


def test_the_pdf_title_lines_are_the_computed_ones_centred():
    pages = read(pdf.render_pdf(half_yearly_report(title="青山县委关于2026年上半年意识形态工作情况的报告",
                                                   blocks=(paragraph(),))))
    first, second = pages[0].find("青山县委关于2026年上半年"), pages[0].find("意识形态工作情况的报告")
    assert first.text == "青山县委关于2026年上半年"
    assert second.text == "意识形态工作情况的报告"
    for line in (first, second):
        assert abs((line.x0 + line.x1) / 2 - 106) < 1.5  # centred on the text block (28 + 156 / 2 mm)


# --- 2. the 发文字号 is never broken; the 签发人 moves to its own line ---------------------------


def test_a_long_number_stays_on_one_line_and_the_signer_moves_above_it():
    pages = read(pdf.render_pdf(half_yearly_report(
        number="城投集团工程建设公司党支部〔2026〕12号", signer="欧阳春晓", blocks=(paragraph(),))))
    page = pages[0]
    chars = [c for line in page.lines for c in line.chars]
    number_tops = {round(c["top"]) for c in chars if c["text"] in "城投〔〕号"}
    assert len(number_tops) == 1  # one line
    signer = page.find("签发人")
    number_top = number_tops.pop() * 25.4 / 72
    assert signer.em_top < number_top - PITCH * 0.9  # the line above the number
    assert abs(signer.x1 - 178.4) < 0.6  # right-aligned, one character (5.57 mm) in from 184 mm
    assert not any("签发人" in line.text and "号" in line.text for line in page.lines)


def test_a_short_number_shares_its_line_with_the_signer():
    assert typesetting.number_shares_line_with_signer("X县委〔2026〕12号", ["王建国"])
    assert not typesetting.number_shares_line_with_signer("城投集团工程建设公司党支部〔2026〕12号", ["欧阳春晓"])


def test_several_signers_are_set_two_to_a_line_the_number_on_the_last_one():
    assert typesetting.signer_rows(typesetting.signer_names("王建国、李明、张晓红")) == ["王建国\u3000李明", "张晓红"]
    assert typesetting.signer_lines("X县委〔2026〕12号", ["王建国", "李明", "张晓红"]) == (["王建国\u3000李明"], "张晓红")
    pages = read(pdf.render_pdf(half_yearly_report(signer="王建国、李明、张晓红", blocks=(paragraph(),))))
    page = pages[0]
    first, last, number = page.find("王建国"), page.find("张晓红"), page.find("X县委〔2026〕12号")
    assert abs(last.baseline - number.baseline) < 0.3  # the number on the last line of names
    assert abs((last.baseline - first.baseline) - PITCH) < 0.3  # one line of the grid above
    name_x0 = next(c["x0"] for c in first.chars if c["text"] == "王") * 25.4 / 72
    last_x0 = next(c["x0"] for c in last.chars if c["text"] == "张") * 25.4 / 72
    assert abs(name_x0 - last_x0) < 0.3  # under the first name of the line above
    rule = [r for r in page.rects if r["color"] and r["x1"] - r["x0"] > 150 and r["top"] > number.baseline]
    assert rule and rule[0]["top"] > last.em_bottom  # the red rule below every name


# --- 3. the 版记 at the foot of the last page, an even one (封四) -------------------------------


def test_a_one_paragraph_document_puts_its_closing_on_an_even_last_page():
    pages = read(pdf.render_pdf(notice(
        blocks=(Block(Level.PARAGRAPH, "现将考核结果通报如下。"),), copy_to="市委宣传部",
        printer="中共X县委办公室", printed_on=datetime.date(2026, 1, 6))))
    assert len(pages) == 2
    assert not pages[0].has("抄送")
    assert pages[1].find("抄送").em_top > 240  # at the foot
    assert [line.text for line in pages[1].text_lines][0].startswith("抄送")
    assert pages[1].page_number.text == "—2—"


def test_a_document_ending_on_an_even_page_gets_no_blank_page():
    pages = read(pdf.render_pdf(half_yearly_report(blocks=(paragraph(),))))
    assert len(pages) == 2
    assert pages[1].has("抄送")


@pytest.mark.parametrize("lines", range(22, 46))
def test_a_closing_that_does_not_fit_under_text_ending_on_an_even_page_goes_to_the_next_even_page(lines):
    """Text that fills page 2 to (nearly) its foot leaves no room for the 版记: it goes to the foot of
    page 4, after a blank page 3, never alone on the odd page 3 (as 临河县城关镇党委's signed demo
    report had it)."""
    text = "认真落实意识形态工作责任制。"  # one line each
    pages = read(pdf.render_pdf(notice(
        blocks=tuple(Block(Level.PARAGRAPH, text) for _ in range(lines)), copy_to="市委宣传部",
        printer="中共X县委办公室", printed_on=datetime.date(2026, 1, 6))))
    assert len(pages) % 2 == 0, f"{len(pages)} pages"
    assert pages[-1].has("抄送")
    assert not any(page.has("抄送") for page in pages[:-1])


# --- 4. page 1 carries body text; attachment names ------------------------------------------------

LONG_ATTACHMENTS = (
    "青山县2026年上半年意识形态工作责任制落实情况统计表及各乡镇党委书记抓意识形态工作情况汇总表。",
    "青山县2026年下半年意识形态工作重点任务清单及责任分工方案（征求意见稿）",
)


@pytest.fixture(scope="module")
def short_with_attachments():
    return read(pdf.render_pdf(half_yearly_report(
        blocks=(Block(Level.PARAGRAPH, "现将我县2026年上半年意识形态工作责任制落实情况报告如下，请审阅。"),),
        attachments=LONG_ATTACHMENTS)))


def test_page_one_carries_the_body_text(short_with_attachments):
    assert short_with_attachments[0].has("现将我县2026年上半年")
    assert short_with_attachments[0].has("请审阅。")


def test_wrapped_attachment_names_align_under_the_names_first_character(short_with_attachments):
    lines = [line for page in short_with_attachments for line in page.text_lines]
    first = next(line for line in lines if line.text.startswith("附件：1."))
    name_x = next(c["x0"] for c in first.chars if c["text"] == "青") * 25.4 / 72
    wrapped = [line for line in lines if line.text.startswith(("况统计表", "总表", "及责任分工"))]
    assert len(wrapped) == 3
    for line in wrapped:
        assert abs(line.x0 - name_x) < 0.3


def test_no_punctuation_follows_an_attachment_name(short_with_attachments):
    lines = [line.text for page in short_with_attachments for line in page.text_lines]
    assert "总表" in lines
    assert not any(text.endswith("汇总表。") for text in lines)


def test_an_overlong_title_is_filled_line_by_line_still_between_words():
    title = "青山县委关于2026年上半年意识形态工作情况的报告" * 4
    lines = typesetting.title_lines(title)
    assert "".join(lines) == title
    assert len(lines) == 5
    assert all(typesetting.em_width(line) <= 20 for line in lines)
    assert not any(line.startswith(("年", "况", "告")) for line in lines)
