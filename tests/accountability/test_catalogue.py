"""The seeded catalogue: the seeds' two lists of circumstances and the measures, cited by title."""

from __future__ import annotations

import re

from accountability.catalogue import CIRCUMSTANCES, MEASURE_CATEGORIES, MEASURES


def _list(name: str) -> list[dict]:
    return [item for item in CIRCUMSTANCES if item["list"] == name]


def test_the_general_list_has_ten_items_numbered_one_to_ten():
    assert [item["number"] for item in _list("general")] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert [item["code"] for item in _list("general")][:2] == ["general-1", "general-2"]


def test_the_network_list_has_nine_items_numbered_one_to_nine():
    assert [item["number"] for item in _list("network")] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert _list("network")[-1]["code"] == "network-9"


def test_there_are_only_the_two_lists():
    assert len(CIRCUMSTANCES) == 19
    assert {item["list"] for item in CIRCUMSTANCES} == {"general", "network"}


def test_codes_are_unique():
    codes = [item["code"] for item in CIRCUMSTANCES]
    assert len(set(codes)) == len(codes) == 19


def test_the_last_item_of_each_list_is_the_catch_all_failure_of_duty():
    assert _list("general")[-1]["text"] == "其他未能切实履行工作职责，造成严重后果的"
    assert _list("network")[-1]["text"] == "其他应当问责的失职失责情形"


def test_the_first_items_keep_the_seed_wording():
    assert (
        _list("general")[0]["text"]
        == "对党中央或者上级党组织安排部署的重大宣传教育任务、重大思想舆论斗争组织开展不力的"
    )
    assert _list("network")[3]["text"] == (
        "维护党的政治纪律和政治规矩失职，对所管理的党员、干部在网上公开发表违背宪法、党章、党的决定决议"
        "和政策的言论放任不管、处置不力，产生恶劣影响的"
    )


def test_circumstances_cite_the_document_title_and_the_item():
    assert (
        _list("general")[0]["citation"]
        == "《党委（党组）意识形态工作责任制实施细则》第十二条第（一）项"
    )
    assert (
        _list("general")[9]["citation"]
        == "《党委（党组）意识形态工作责任制实施细则》第十二条第（十）项"
    )
    assert (
        _list("network")[8]["citation"]
        == "《党委（党组）网络意识形态工作责任制实施细则》“追究责任的情形”第9项"
    )


def test_only_the_two_items_worded_as_speech_events_are_paraphrased_as_duty_failures():
    paraphrased = [item["code"] for item in CIRCUMSTANCES if item["paraphrased"]]
    assert paraphrased == ["general-9", "network-7"]
    assert all("管理不力" in item["text"] for item in CIRCUMSTANCES if item["paraphrased"])


def test_no_text_or_citation_carries_a_seed_file_code_or_a_seed_typo():
    for item in CIRCUMSTANCES + MEASURES:
        for value in item.values():
            if isinstance(value, str):
                assert "000" not in value and "002" not in value, item
                assert "篇" not in value, item
                assert not any(
                    typo in value for typo in ("上級", "與论", "千部", "先法", "放仕", "检査")
                ), item
    assert all(item["citation"].startswith("《") for item in CIRCUMSTANCES + MEASURES)


def test_texts_have_no_trailing_punctuation_or_numbering():
    for item in CIRCUMSTANCES:
        assert item["text"][-1] not in "，。；;,.", item
        assert not re.match(r"^[（(]?[0-9一二三四五六七八九十]+[)）.、]", item["text"]), item


def test_measures_in_order_of_severity():
    assert [m["name"] for m in MEASURES] == [
        "提醒",
        "批评教育",
        "警示谈话",
        "责令作出书面检查",
        "通报批评",
        "停职检查",
        "调整职务",
        "责令辞职",
        "降职",
        "免职",
        "警告",
        "严重警告",
        "撤销党内职务",
        "留党察看",
        "开除党籍",
    ]
    assert [m["severity"] for m in MEASURES] == list(range(1, 16))


def test_measures_fall_into_three_categories_with_chinese_labels():
    assert MEASURE_CATEGORIES == {
        "admonition": "批评教育类",
        "organizational": "组织处理",
        "disciplinary": "纪律处分",
    }
    by_category = {
        key: [m["name"] for m in MEASURES if m["category"] == key] for key in MEASURE_CATEGORIES
    }
    assert by_category == {
        "admonition": ["提醒", "批评教育", "警示谈话", "责令作出书面检查", "通报批评"],
        "organizational": ["停职检查", "调整职务", "责令辞职", "降职", "免职"],
        "disciplinary": ["警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍"],
    }


def test_measures_cite_the_clause_and_the_regulation_they_come_from():
    cited = {m["name"]: m["citation"] for m in MEASURES}
    assert cited["提醒"] == "《党委（党组）意识形态工作责任制实施细则》第十二条"
    assert (
        cited["免职"]
        == "《党委（党组）意识形态工作责任制实施细则》第十二条；《中国共产党问责条例》第八条"
    )
    assert (
        cited["开除党籍"]
        == "《党委（党组）意识形态工作责任制实施细则》第十二条；《中国共产党纪律处分条例》第八条"
    )
    assert len({m["code"] for m in MEASURES}) == 15


def test_each_measure_carries_its_category_label():
    assert [(m["code"], m["category_label"]) for m in MEASURES[4:6]] == [
        ("circulated_criticism", "批评教育类"),
        ("suspension", "组织处理"),
    ]
    assert MEASURES[-1]["category_label"] == "纪律处分"
