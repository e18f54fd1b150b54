"""签发 refuses a document with a character that no configured font draws (issue #10 §5)."""

from __future__ import annotations

from tests.reporting.reports.test_signing import county, draft, refused, sign  # noqa: F401  (county: a fixture)


def test_a_signer_whose_name_has_a_character_no_font_draws_is_refused_naming_it(county):  # noqa: F811
    county.secretary_person.name = "王\ue000"
    county.secretary_person.save()
    message = refused(draft(county), county.secretary)
    assert message == (
        "“\ue000”（U+E000）在公文所用的字体中都没有字形，打印出来会是空白，不能签发。"
        "请改用其他写法，或请管理员在 ZEREN_PDF_FONTS 中配置含有此字的字体。"
    )


def test_a_rare_character_that_a_fallback_face_draws_signs(county):  # noqa: F811
    county.secretary_person.name = "王䶮"
    county.secretary_person.save()
    version = sign(draft(county), county.secretary)
    assert version.is_signed and version.doc_number == "A县委〔2026〕1号"
