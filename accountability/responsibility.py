"""Who bears which responsibility for a wrong decision (责任认定): a pure function, no database.

Source: the seeds' rule, word for word the same in three documents —
《党委（党组）意识形态工作责任制实施细则》第十三条 (seed 000 篇二), the company rules of seed 002
篇四 第十条, and for the principal leader and the directly responsible member also
《党委（党组）网络意识形态工作责任制实施细则》(一) (seed 000 篇三):

    实施责任追究应当实事求是，分清集体责任和个人责任，主要领导责任和重要领导责任。追究集体
    责任时，领导班子主要负责同志和直接分管的领导班子成员承担主要领导责任，参与决策的班子其他
    成员承担重要领导责任。对错误决策提出明确反对意见而没有被采纳的，不承担领导责任。错误决策
    由领导干部个人决定或者批准的，追究该领导干部个人的责任。

Input (a JSON-like mapping; `determine_responsibility` never mutates it):

    {"members": [{"id": "a", "role": "first_responsible"},
                 {"id": "b", "role": "direct_responsible"},
                 {"id": "c", "role": "member", "in_charge": false, "name": "张三"}],
     "decision": {"mode": "collective", "participants": ["a", "b", "c"], "opposed": ["c"]}}

- members: the leadership team (领导班子) on the date of the facts, or those of them a case names
  (the others may be left out: each member's determination depends only on their own role and
  facts and the decision's mode), at least one. `id` a non-empty string other than "rules" (the
  output's reserved key); `role` one of ROLES: first_responsible
  (第一责任人, the team's 主要负责同志 — at most one), direct_responsible (直接责任人, the leader in
  charge, 直接分管的领导班子成员 — any number), member (班子其他成员); optional `in_charge` (bool):
  the member's portfolio directly covers the matter, so they count as directly responsible
  (直接分管); it never lowers what a role already bears, so `false` on a direct_responsible
  member changes nothing. Optional `name` (string) names the member in error messages (so a page
  can show them as they are) and is otherwise ignored.
- decision.mode "collective" (集体决策): `participants` (list of the member ids who took part in
  the decision; it may be empty when members is only part of the team and none of them took
  part) and optional `opposed` (member ids who clearly opposed the wrong decision and were not
  adopted; each must be a participant). `decided_by` is refused.
- decision.mode "individual" (a decision made or approved by one leader alone, 个人决定或者批准):
  `decided_by` (a member id: the leader who decided it, or who approved it when someone else
  proposed it); `participants` and `opposed`, if given, must be empty lists.

Output: {member id: level, …, "rules": {member id: {"rule": code, "clause": citation, "text":
Chinese explanation}}} with one entry per member; level one of LEVELS: main_leadership
(主要领导责任), important_leadership (重要领导责任), personal (个人责任), none (不承担领导责任).
The rule codes (RULES) and what they give:

- collective_opposed → none: anyone, the principal leader included, who clearly opposed and was
  not adopted (a collective decision that was made is one where the opposition was not adopted);
- collective_principal → main_leadership: the first_responsible member;
- collective_direct → main_leadership: a direct_responsible member or one marked in_charge;
- collective_participant → important_leadership: any other member who took part;
- collective_absent → none: any other member who did not take part;
- individual_decider → personal: decided_by;
- individual_other → none: everyone else.

Choices where the seeds are silent (each has a test in tests/accountability/test_responsibility.py):
- The principal leader and the directly responsible member bear 主要领导责任 even when they did not
  take part in the decision: the clause attaches theirs to the post, and "参与决策的" qualifies only
  the other members (seed 000 篇三 (一) says the same of 直接主管的班子成员 without condition).
- Members who did not take part bear no leadership responsibility for the decision under this
  clause. A failure in their own portfolio (一岗双责) is a separate finding, not this determination.
- An individual decision is that leader's personal responsibility and nobody else's, the principal
  leader included: the clause says "追究该领导干部个人的责任" and nothing about others.

Errors: every bad input raises ScenarioError (a ValueError) with a Chinese message naming the
problem and a machine-readable `code` (see the raise sites): not_an_object, unknown_field,
no_members, bad_member, bad_id, reserved_id, duplicate_member, bad_role, two_principals,
bad_in_charge, bad_name, no_decision, bad_mode, no_participants, bad_id_list, duplicate_in_list,
not_a_member, opposed_not_participant, decided_by_in_collective, no_decider,
lists_in_individual, bad_document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAIN = "main_leadership"
IMPORTANT = "important_leadership"
PERSONAL = "personal"
NONE = "none"

LEVELS: dict[str, str] = {
    MAIN: "主要领导责任",
    IMPORTANT: "重要领导责任",
    PERSONAL: "个人责任",
    NONE: "不承担领导责任",
}

FIRST = "first_responsible"
DIRECT = "direct_responsible"
MEMBER = "member"
ROLES: dict[str, str] = {FIRST: "第一责任人", DIRECT: "直接责任人", MEMBER: "班子其他成员"}

COLLECTIVE = "collective"
INDIVIDUAL = "individual"
MODES: dict[str, str] = {COLLECTIVE: "集体决策", INDIVIDUAL: "个人决定或者批准"}

RULES_KEY = "rules"
DOCUMENT = "《党委（党组）意识形态工作责任制实施细则》"
ARTICLE = "第十三条"

RULES: dict[str, dict[str, str]] = {
    "collective_opposed": {
        "level": NONE,
        "text": "对错误决策提出明确反对意见而没有被采纳的，不承担领导责任。",
    },
    "collective_principal": {
        "level": MAIN,
        "text": "追究集体责任时，领导班子主要负责同志承担主要领导责任（不以是否参与该次决策为条件）。",
    },
    "collective_direct": {
        "level": MAIN,
        "text": "追究集体责任时，直接分管的领导班子成员承担主要领导责任（不以是否参与该次决策为条件）。",
    },
    "collective_participant": {
        "level": IMPORTANT,
        "text": "追究集体责任时，参与决策的班子其他成员承担重要领导责任。",
    },
    "collective_absent": {
        "level": NONE,
        "text": "该成员未参与决策：追究集体责任时，只有参与决策的班子其他成员承担重要领导责任。",
    },
    "individual_decider": {
        "level": PERSONAL,
        "text": "错误决策由领导干部个人决定或者批准的，追究该领导干部个人的责任。",
    },
    "individual_other": {
        "level": NONE,
        "text": "错误决策由其他领导干部个人决定或者批准，只追究该领导干部个人的责任。",
    },
}

_MEMBER_FIELDS = ("id", "role", "in_charge", "name")
_DECISION_FIELDS = ("mode", "participants", "opposed", "decided_by")


class ScenarioError(ValueError):
    """A scenario the rule cannot be applied to; str() is the Chinese message, `code` says which."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def determine_responsibility(
    scenario: Mapping[str, Any], *, document: str = DOCUMENT
) -> dict[str, Any]:
    """Each member's responsibility for the wrong decision described by `scenario`.

    Shapes, values, rules and errors: see the module docstring. `document` is the title the
    clause is cited under (each organization adopts its own 实施细则; DOMAIN.md §4), so
    `rules[id]["clause"]` reads e.g. 《党委（党组）意识形态工作责任制实施细则》第十三条.
    Raises ScenarioError (a ValueError) for any input the rule cannot be applied to.
    """
    if not isinstance(document, str) or not document.strip():
        raise ScenarioError("bad_document", "引用的文件名称不能为空。")
    if not isinstance(scenario, Mapping):
        raise ScenarioError(
            "not_an_object",
            "情形数据必须是一个对象，包含 members（领导班子成员）和 decision（决策情况）。",
        )
    _refuse_unknown(scenario, ("members", "decision"), "情形数据中")
    members = _members(scenario.get("members"))
    decision = scenario.get("decision")
    if not isinstance(decision, Mapping):
        raise ScenarioError("no_decision", "缺少 decision（决策情况），或它不是一个对象。")
    _refuse_unknown(decision, _DECISION_FIELDS, "decision 中")
    mode = decision.get("mode")
    if mode == COLLECTIVE:
        rule_of = _collective(members, decision)
    elif mode == INDIVIDUAL:
        rule_of = _individual(members, decision)
    else:
        given = "缺少决策方式 mode" if mode is None else f"决策方式 mode 不能是 {mode!s}"
        raise ScenarioError(
            "bad_mode", f"{given}，应为 collective（集体决策）或 individual（个人决定或者批准）。"
        )
    clause = f"{document.strip()}{ARTICLE}"
    result: dict[str, Any] = {
        member_id: RULES[rule]["level"] for member_id, rule in rule_of.items()
    }
    result[RULES_KEY] = {
        member_id: {"rule": rule, "clause": clause, "text": RULES[rule]["text"]}
        for member_id, rule in rule_of.items()
    }
    return result


def _members(raw: Any) -> dict[str, dict[str, Any]]:
    """The members by id, validated: {id: {"role", "in_charge", "who"}} in input order; "who" is
    how messages name the member (the name if given, else the id)."""
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("no_members", "members 必须是非空的领导班子成员列表。")
    members: dict[str, dict[str, Any]] = {}
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            raise ScenarioError("bad_member", f"第 {position} 个成员必须是对象（含 id 和 role）。")
        member_id = item.get("id")
        if not isinstance(member_id, str) or not member_id.strip():
            raise ScenarioError("bad_id", f"第 {position} 个成员缺少 id，或 id 不是非空字符串。")
        if member_id == RULES_KEY:
            raise ScenarioError(
                "reserved_id",
                f"成员 id 不能是 {RULES_KEY}：结果中 {RULES_KEY} 用来列出每名成员适用的规则。",
            )
        if member_id in members:
            raise ScenarioError("duplicate_member", f"成员 id 重复：{member_id}。")
        name = item.get("name")
        if name is not None and not isinstance(name, str):
            raise ScenarioError("bad_name", f"成员 {member_id} 的 name 必须是字符串。")
        who = name.strip() if name and name.strip() else member_id
        _refuse_unknown(item, _MEMBER_FIELDS, f"成员 {who} ")
        role = item.get("role")
        if role not in ROLES:
            choices = "、".join(f"{code}（{label}）" for code, label in ROLES.items())
            problem = "缺少角色 role" if role is None else f"的角色 {role!s} 无法识别"
            raise ScenarioError("bad_role", f"成员 {who} {problem}，可选：{choices}。")
        in_charge = item.get("in_charge", False)
        if not isinstance(in_charge, bool):
            raise ScenarioError(
                "bad_in_charge",
                f"成员 {who} 的 in_charge（是否直接分管该事项）必须是 true 或 false。",
            )
        members[member_id] = {"role": role, "in_charge": in_charge, "who": who}
    principals = [m["who"] for m in members.values() if m["role"] == FIRST]
    if len(principals) > 1:
        raise ScenarioError(
            "two_principals",
            f"领导班子只能有一名第一责任人（主要负责同志），这里有 {len(principals)} 名：{'、'.join(principals)}。",
        )
    return members


def _collective(members: dict[str, dict[str, Any]], decision: Mapping[str, Any]) -> dict[str, str]:
    if decision.get("decided_by") is not None:
        raise ScenarioError(
            "decided_by_in_collective",
            "集体决策不填写 decided_by；个人决定或者批准的，mode 应为 individual。",
        )
    if "participants" not in decision:
        raise ScenarioError(
            "no_participants",
            "集体决策须用 participants 列出参与决策的成员（都未参与的写空列表）。",
        )
    participants = _ids(decision["participants"], "participants（参与决策的成员）", members)
    opposed = _ids(decision.get("opposed", []), "opposed（明确反对的成员）", members)
    outsiders = [
        members[member_id]["who"] for member_id in opposed if member_id not in participants
    ]
    if outsiders:
        raise ScenarioError(
            "opposed_not_participant",
            f"明确提出反对意见的成员必须参与了决策：{'、'.join(outsiders)} 不在 participants 中。",
        )
    rule_of = {}
    for member_id, member in members.items():
        if member_id in opposed:
            rule_of[member_id] = "collective_opposed"
        elif member["role"] == FIRST:
            rule_of[member_id] = "collective_principal"
        elif member["role"] == DIRECT or member["in_charge"]:
            rule_of[member_id] = "collective_direct"
        elif member_id in participants:
            rule_of[member_id] = "collective_participant"
        else:
            rule_of[member_id] = "collective_absent"
    return rule_of


def _individual(members: dict[str, dict[str, Any]], decision: Mapping[str, Any]) -> dict[str, str]:
    if decision.get("participants") or decision.get("opposed"):
        raise ScenarioError(
            "lists_in_individual",
            "个人决定或者批准的决策不列 participants 和 opposed；由班子集体作出的，mode 应为 collective。",
        )
    for key in ("participants", "opposed"):
        if key in decision:
            _ids(decision[key], f"{key} ", members)  # present but empty: still a list
    decided_by = decision.get("decided_by")
    if not isinstance(decided_by, str) or not decided_by:
        raise ScenarioError(
            "no_decider", "个人决定或者批准的决策必须用 decided_by 写明是哪名成员作出的。"
        )
    if decided_by not in members:
        raise ScenarioError("not_a_member", f"decided_by 中的 {decided_by} 不是 members 中的成员。")
    return {
        member_id: "individual_decider" if member_id == decided_by else "individual_other"
        for member_id in members
    }


def _ids(raw: Any, label: str, members: Mapping[str, Any]) -> list[str]:
    """A list of distinct member ids, in order."""
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ScenarioError("bad_id_list", f"{label}必须是成员 id（字符串）的列表。")
    seen: set[str] = set()
    for member_id in raw:
        if member_id in seen:
            who = members[member_id]["who"] if member_id in members else member_id
            raise ScenarioError("duplicate_in_list", f"{label}中 {who} 重复出现。")
        seen.add(member_id)
        if member_id not in members:
            raise ScenarioError("not_a_member", f"{label}中的 {member_id} 不是 members 中的成员。")
    return list(raw)


def _refuse_unknown(obj: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = [str(key) for key in obj if key not in allowed]
    if unknown:
        raise ScenarioError(
            "unknown_field",
            f"{where}有无法识别的字段：{'、'.join(unknown)}（可用：{'、'.join(allowed)}）。",
        )
