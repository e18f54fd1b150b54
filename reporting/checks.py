"""System checks for formal-document PDFs: what would silently make them wrong or slow."""

from __future__ import annotations

import ctypes.util
import functools
import re
import shutil
import subprocess

from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

FONTCONFIG_BOLD = 200  # fontconfig's FC_WEIGHT_BOLD


@functools.cache
def installed_font_weights() -> dict[str, set[int]] | None:
    """Family (lower-cased) → the fontconfig weights installed for it; None without fc-list."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        output = subprocess.run(  # noqa: S603  (a fixed command line, no input from outside)
            [fc_list, "--format", "%{family}|%{weight}\n"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families: dict[str, set[int]] = {}
    for line in output.splitlines():
        names, _, weight = line.rpartition("|")
        # A variable font reports a range, "[0 210]": its heaviest weight is what matters here.
        weights = [int(float(w)) for w in re.findall(r"\d+(?:\.\d+)?", weight)] or [80]
        for name in names.split(","):
            families.setdefault(name.strip().lower(), set()).add(max(weights))
    return families


def harfbuzz_subset_missing() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is None


@register()
def pdf_fonts_and_subsetter(app_configs, **kwargs):
    from reporting.pdf import configured_fonts

    try:
        fonts = configured_fonts()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="zeren.E201")]

    messages = []
    installed = installed_font_weights()
    if installed is None and any(font.path is None for font in fonts.values()):
        messages.append(
            Warning(
                "找不到 fc-list（fontconfig），无法确认公文 PDF 的字体是否已安装。",
                hint="安装 fontconfig 和 Makefile 中 RUN_DEBS 列出的字体包。",
                id="zeren.W204",
            )
        )
    for font in fonts.values():
        if font.path is not None:
            if not font.path.is_file():
                messages.append(
                    Warning(
                        f"公文 PDF 字体文件不存在：{font.path}（ZEREN_PDF_FONTS[{font.role!r}]）。",
                        hint="PDF 将退回系统默认字体；请检查路径或改用已安装的字体名称。",
                        id="zeren.W201",
                    )
                )
            continue
        if installed is None:
            continue
        weights = installed.get(font.family.lower())
        if weights is None:
            messages.append(
                Warning(
                    f"公文 PDF 字体“{font.family}”未安装（ZEREN_PDF_FONTS[{font.role!r}]）。",
                    hint="PDF 将退回系统默认字体，版式和字形都会走样；安装该字体或在 ZEREN_PDF_FONTS 中改用已安装的字体。",
                    id="zeren.W201",
                )
            )
        elif font.weight >= 700 and max(weights) < FONTCONFIG_BOLD:
            messages.append(
                Warning(
                    f"公文 PDF 字体“{font.family}”没有粗体字形，标题将以人工加粗呈现。",
                    hint="安装该字体的粗体，或在 ZEREN_PDF_FONTS 中去掉“:bold”。",
                    id="zeren.W202",
                )
            )
    if harfbuzz_subset_missing():
        messages.append(
            Warning(
                "缺少 libharfbuzz-subset0：WeasyPrint 将改用 fontTools 裁剪字体，公文 PDF 的生成会慢约 30 倍。",
                hint="apt-get install libharfbuzz-subset0",
                id="zeren.W203",
            )
        )
    return messages


SHOWN_CHARACTERS = 30


@register()
def pdf_font_glyphs(app_configs, **kwargs):
    """Each configured face's empty or missing glyphs among GB 18030's level-1 and level-2 hanzi
    (GB 2312's 6763, issue #10 §5): such a character prints in a fallback face, or not at all."""
    from reporting import fonts as pdf_fonts
    from reporting.pdf import configured_fonts

    try:
        configured = configured_fonts()
    except ImproperlyConfigured:
        return []  # zeren.E201 says so
    hanzi = pdf_fonts.gb2312_hanzi()
    messages, seen = [], set()
    for role, font in configured.items():
        source = pdf_fonts.face_source(font)
        if source is None or source in seen:
            continue  # not installed: zeren.W201
        seen.add(source)
        try:
            empty, missing = pdf_fonts.glyph_problems(source, hanzi)
        except OSError as exc:
            messages.append(Warning(f"无法读取公文 PDF 字体文件 {source.path}：{exc}", id="zeren.W205"))
            continue
        for kind, chars in (("字形为空", empty), ("没有字形", missing)):
            if chars:
                shown = "".join(chars[:SHOWN_CHARACTERS]) + ("…" if len(chars) > SHOWN_CHARACTERS else "")
                messages.append(Warning(
                    f"公文 PDF 字体“{font.family}”（ZEREN_PDF_FONTS[{role!r}]）有 {len(chars)} 个"
                    f"GB 18030 一级、二级汉字{kind}：{shown}",
                    hint="这些字将改用其他已配置字体印出；哪个字体都没有的字，报告不能签发。",
                    id="zeren.W205",
                ))
    return messages
