"""Every character of a formal document is printed with a real glyph, and the fonts are prepared once
(issue #10 §5, §7). Glyphs are checked on the page itself: the text layer and the ink in the box."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from reporting import checks, fonts, pdf
from reporting.document import Block, Level
from tests.reporting.test_pdf import notice

DPI = 100
RARE = "䶮"  # U+4DAE: AR PL UKai (the default 楷体) maps it to an empty outline


def chars_and_ink(data: bytes, tmp_path: Path, page_number: int = 1) -> list[tuple[str, str, int]]:
    """(character, font name, dark pixels in its box) for each character on the page."""
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-f", str(page_number), "-l", str(page_number), "-png",
         str(source), str(tmp_path / "page")],
        check=True, timeout=120,
    )
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    scale = DPI / 72
    result = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for c in document.pages[page_number - 1].chars:
            box = image.crop((int(c["x0"] * scale), int(c["top"] * scale), int(c["x1"] * scale) + 1,
                              int(c["bottom"] * scale) + 1))
            result.append((c["text"], c["fontname"], sum(box.histogram()[:128])))
    return result


def test_a_rare_character_in_the_signer_and_a_kaiti_heading_is_printed_with_a_real_glyph(tmp_path):
    document = notice(
        upward=True, signer=f"王{RARE}",
        blocks=(Block(Level.H2, f"王{RARE}同志的发言要点"), Block(Level.PARAGRAPH, "会议听取了汇报。")),
    )
    chars = chars_and_ink(pdf.render_pdf(document), tmp_path)
    text = "".join(c for c, _, _ in chars)
    assert f"王{RARE}同志" in text and f"王{RARE}" in text
    rare = [(font, ink) for c, font, ink in chars if c == RARE]
    assert len(rare) == 2  # 签发人 and the heading, both in 楷体 with a fallback for 䶮
    for font, ink in rare:
        assert "UKai" not in font and "Noto" in font  # fell back to a face that draws it
        assert ink > 20, (font, ink)
    wang = [(font, ink) for c, font, ink in chars if c == "王"]
    assert all("UKai" in font and ink > 20 for font, ink in wang)  # the rest stays in 楷体


def test_no_configured_face_maps_a_character_to_an_empty_glyph():
    faces = fonts.prepared_faces(pdf.configured_fonts())
    assert ord(RARE) not in faces["kaiti"].inked and ord(RARE) in faces["body"].inked
    assert ord("王") in faces["kaiti"].inked


def test_signing_is_refused_naming_a_character_that_no_font_draws():
    document = notice(upward=True, signer="王\ue000", title="关于\U000f0001的报告")
    assert fonts.unprintable(fonts.document_text(document)) == ["\ue000", "\U000f0001"]
    with pytest.raises(ValidationError) as refused:
        fonts.require_printable(document)
    assert refused.value.messages == [
        "“\ue000”（U+E000）在公文所用的字体中都没有字形，打印出来会是空白，不能签发。"
        "请改用其他写法，或请管理员在 ZEREN_PDF_FONTS 中配置含有此字的字体。",
        "“\U000f0001”（U+F0001）在公文所用的字体中都没有字形，打印出来会是空白，不能签发。"
        "请改用其他写法，或请管理员在 ZEREN_PDF_FONTS 中配置含有此字的字体。",
    ]
    fonts.require_printable(notice(upward=True, signer=f"王{RARE}"))  # a fallback draws it: no refusal


def test_gb2312_hanzi_are_the_6763_of_levels_one_and_two():
    hanzi = fonts.gb2312_hanzi()
    assert len(hanzi) == 6763 and len(set(hanzi)) == 6763
    assert hanzi[:3] == "啊阿埃" and hanzi[3754:3756] == "座亍"  # level 1 ends with 座, level 2 starts with 亍 and hanzi[-3:] == "鼽鼾齄"


def test_the_default_fonts_draw_every_level_one_and_two_hanzi():
    assert checks.pdf_font_glyphs(None) == []


def test_the_system_check_lists_a_face_without_the_hanzi(settings):
    dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    settings.ZEREN_PDF_FONTS = {**settings.ZEREN_PDF_FONTS, "heiti": dejavu}
    (message,) = checks.pdf_font_glyphs(None)
    assert message.id == "zeren.W205"
    assert message.msg == (
        "公文 PDF 字体“zeren-heiti”（ZEREN_PDF_FONTS['heiti']）有 6763 个GB 18030 一级、二级汉字没有字形："
        "啊阿埃挨哎唉哀皑癌蔼矮艾碍爱隘鞍氨安俺按暗岸胺案肮昂盎凹敖熬…"
    )


def test_a_face_is_prepared_once_and_the_cache_is_reused(settings, tmp_path):
    settings.ZEREN_FONT_CACHE_DIR = tmp_path / "fonts"
    settings.ZEREN_PDF_FONTS = dict.fromkeys(settings.ZEREN_PDF_FONTS, "AR PL UKai CN")
    before = fonts.preparations
    pdf.render_pdf(notice())
    assert fonts.preparations == before + 1  # five roles, one face
    (folder,) = (tmp_path / "fonts").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["common.otf", "full.otf", "meta.json"]
    pdf.render_pdf(notice())
    fonts._prepared.clear()  # as in a new worker process: only the files on disk are left
    pdf.render_pdf(notice())
    assert fonts.preparations == before + 1


@pytest.mark.parametrize("name", ["prepared/../../etc/passwd", "prepared/0123/other", "prepared/unknown/common"])
def test_the_fetcher_serves_only_prepared_files_of_this_process(name):
    with pytest.raises(pdf.PdfResourceRefused):
        pdf.url_fetcher().resolve(f"zeren-font:{name}")


def test_the_fetcher_serves_a_prepared_face():
    face = fonts.prepared_faces(pdf.configured_fonts())["kaiti"]
    assert pdf.url_fetcher().resolve(f"zeren-font:{fonts.served_name(face, 'full')}") == face.full
