"""签发: who may sign and when, frozen versions, document numbers — and both under concurrency."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reporting.delegations import services as delegations_services
from reporting.models import DocumentCounter, Report, ReportKind, ReportVersion
from reporting.reports import selectors
from reporting.reports import services as reports_services
from responsibilities.models import Organization, Person
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_org, make_person, make_user
from tests.reporting.writing import write_up

D = dt.date
H1 = Period.parse("2026H1")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


@dataclass
class County:
    org: Organization
    drafter: object
    secretary: object  # the user linked to the 第一责任人
    secretary_person: Person


def _county(tree, org: Organization, prefix: str) -> County:
    drafter = make_user(f"{prefix}_xcb", grants=[("view", org), ("manage", org), ("draft_report", org)])
    user = make_user(f"{prefix}_shuji", grants=[("view", org), ("sign_report", org)])
    person = make_person(f"{prefix}书记", organization=org, user=user, title="县委书记")
    make_assignment(person=person, organization=org, role="secretary", start=D(2024, 1, 1))
    return County(org, drafter, user, person)


@pytest.fixture
def county(tree) -> County:
    return _county(tree, tree.county_a, "a")


def draft(county: County, *, kind: str = ReportKind.HALF_YEAR, period: Period | None = H1) -> ReportVersion:
    report = reports_services.report_create(organization=county.org, kind=kind, period=period, actor=county.drafter)
    return write_up(report, county.drafter)


def sign(version: ReportVersion, user, day: dt.date = D(2026, 6, 15)) -> ReportVersion:
    return reports_services.report_sign(version=version, actor=user, now=at(day))


def refused(version: ReportVersion, user, day: dt.date = D(2026, 6, 15)) -> str:
    with pytest.raises(ValidationError) as info:
        sign(version, user, day)
    version.refresh_from_db()
    assert not version.is_signed and not version.doc_number
    return " ".join(info.value.messages)


# --- who may sign -------------------------------------------------------------------------------


def test_the_secretary_signs_and_the_version_is_numbered_rendered_and_hashed(county):
    version = sign(draft(county), county.secretary)

    assert version.doc_number == "A县委〔2026〕1号"
    assert version.signer == county.secretary_person
    assert version.signed_by == county.secretary
    assert version.delegation is None
    assert version.signed_at == dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC)  # 10:00 Beijing time
    pdf = reports_services.signed_pdf_path(version).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == version.pdf_sha256
    assert Report.objects.get(pk=version.report_id).status == Report.Status.SIGNED


def test_a_member_of_the_team_with_sign_report_is_not_the_secretary(county):
    deputy_user = make_user("deputy", grants=[("view", county.org), ("sign_report", county.org)])
    deputy = make_person("副书记", organization=county.org, user=deputy_user)
    make_assignment(person=deputy, organization=county.org, role="direct", start=D(2024, 1, 1))

    message = refused(draft(county), deputy_user)

    assert "只有2026年6月15日担任A县委第一责任人的同志" in message


def test_secretary_of_a_sibling_county_cannot_sign(tree, county):
    other = _county(tree, tree.county_b, "b")

    assert refused(draft(county), other.secretary) == "您没有签发本组织报告的权限。"


def test_the_secretarys_account_without_sign_report_cannot_sign(county):
    Person.objects.filter(pk=county.secretary_person.pk).update(user=None)
    viewer = make_user("viewer", grants=[("view", county.org)])
    Person.objects.filter(pk=county.secretary_person.pk).update(user=viewer)

    assert refused(draft(county), viewer) == "您没有签发本组织报告的权限。"


def test_an_account_not_linked_to_a_person_cannot_sign(county):
    clerk = make_user("clerk", grants=[("sign_report", county.org)])

    assert refused(draft(county), clerk) == "您的账号未关联任职人员，不能签发。"


def test_a_secretary_whose_role_ended_before_the_signing_date_cannot_sign(tree):
    user = make_user("old_shuji", grants=[("view", tree.county_a), ("sign_report", tree.county_a)])
    person = make_person("老书记", organization=tree.county_a, user=user)
    make_assignment(person=person, organization=tree.county_a, role="secretary", start=D(2024, 1, 1),
                    end=D(2026, 5, 31))
    drafter = make_user("drafter", grants=[("draft_report", tree.county_a)])
    county = County(tree.county_a, drafter, user, person)

    assert "只有2026年6月10日担任A县委第一责任人" in refused(draft(county), user, D(2026, 6, 10))
    assert sign(draft(county, period=Period.parse("2025H2")), user, D(2026, 5, 31)).signer == person


@pytest.fixture
def deputy(county):
    """A deputy secretary with sign_report, delegated to sign from 1 to 10 June 2026."""
    user = make_user("deputy", grants=[("view", county.org), ("sign_report", county.org)])
    person = make_person("赵副书记", organization=county.org, user=user, title="县委副书记")
    make_assignment(person=person, organization=county.org, role="direct", start=D(2024, 1, 1))
    delegation = delegations_services.delegation_create(
        organization=county.org, delegate=person, start_date=D(2026, 6, 1), end_date=D(2026, 6, 10),
        reason="书记参加省委党校学习", actor=county.secretary, now=at(D(2026, 5, 20)),
    )
    return user, person, delegation


@pytest.mark.parametrize("day", [D(2026, 5, 31), D(2026, 6, 11)])
def test_a_deputy_cannot_sign_outside_the_delegation_window(county, deputy, day):
    user, _person, _delegation = deputy

    assert "或在委托期内的受托人" in refused(draft(county), user, day)


@pytest.mark.parametrize("day", [D(2026, 6, 1), D(2026, 6, 5), D(2026, 6, 10)])
def test_a_deputy_signs_inside_the_delegation_window_and_the_document_says_so(county, deputy, day):
    user, person, delegation = deputy

    version = sign(draft(county), user, day)

    assert (version.signer, version.delegation) == (person, delegation)
    assert reports_services.version_document(version).delegation_note == "（赵副书记受委托签发）"


def test_a_delegation_needs_a_member_of_the_team(county):
    outsider = make_person("外单位人员", organization=county.org)
    with pytest.raises(ValidationError, match="受托人须为2026年5月20日在任的A县委领导班子成员"):
        delegations_services.delegation_create(organization=county.org, delegate=outsider, start_date=D(2026, 6, 1),
                                               end_date=D(2026, 6, 10), reason="出差", actor=county.secretary,
                                               now=at(D(2026, 5, 20)))


# --- frozen versions ----------------------------------------------------------------------------


def _frozen_state(version: ReportVersion) -> tuple:
    version = ReportVersion.objects.get(pk=version.pk)
    return (version.title, version.addressee, version.blocks, version.attachments, version.facts,
            version.doc_number, version.signed_at, version.signer_id, version.pdf_sha256,
            reports_services.signed_pdf_path(version).read_bytes())


def test_saving_after_signing_makes_a_new_draft_version_and_leaves_the_signed_one_alone(county):
    signed = sign(draft(county), county.secretary)
    before = _frozen_state(signed)

    new = reports_services.report_version_save(
        report=signed.report, actor=county.drafter, title="修改后的标题", addressee=signed.addressee,
        copy_to=signed.copy_to, blocks=[{"level": 0, "text": "改过的正文"}], attachments=[], note="补充",
    )

    assert new.number == signed.number + 1 and not new.is_signed and new.doc_number == ""
    assert _frozen_state(signed) == before
    assert Report.objects.get(pk=signed.report_id).status == Report.Status.DRAFT


def test_an_older_version_cannot_be_signed(county):
    first = draft(county)
    reports_services.report_version_save(
        report=first.report, actor=county.drafter, title=first.title, addressee=first.addressee,
        copy_to="", blocks=first.blocks, attachments=[],
    )

    assert refused(first, county.secretary) == "只能签发最新版本（第 3 版）。"


def test_a_version_cannot_be_signed_twice(county):
    version = sign(draft(county), county.secretary)
    before = _frozen_state(version)

    with pytest.raises(ValidationError, match="不能重复签发"):
        sign(version, county.secretary, D(2026, 6, 16))

    assert _frozen_state(version) == before
    assert DocumentCounter.objects.get(organization=county.org, year=2026).last == 1


def test_after_a_change_the_new_version_gets_a_new_number_and_signature(county):
    first = sign(draft(county), county.secretary)
    second = reports_services.report_version_save(
        report=first.report, actor=county.drafter, title=first.title, addressee=first.addressee,
        copy_to="", blocks=[{"level": 0, "text": "第二稿"}], attachments=[],
    )

    second = sign(second, county.secretary, D(2026, 6, 16))

    assert (first.doc_number, second.doc_number) == ("A县委〔2026〕1号", "A县委〔2026〕2号")
    assert first.pdf_sha256 != second.pdf_sha256


# --- document numbers ---------------------------------------------------------------------------


def test_numbers_are_consecutive_without_padding_per_organization_and_year(tree, county):
    other = _county(tree, tree.county_b, "b")
    numbers = [sign(draft(county, kind=ReportKind.MAJOR, period=None), county.secretary).doc_number
               for _ in range(10)]
    numbers_b = [sign(draft(other, kind=ReportKind.MAJOR, period=None), other.secretary).doc_number
                 for _ in range(2)]
    next_year = sign(draft(county, kind=ReportKind.MAJOR, period=None), county.secretary, D(2027, 1, 4))

    assert numbers == [f"A县委〔2026〕{n}号" for n in range(1, 11)]
    assert numbers_b == ["B县委〔2026〕1号", "B县委〔2026〕2号"]
    assert next_year.doc_number == "A县委〔2027〕1号"
    seqs = sorted(ReportVersion.objects.filter(issuer=county.org, doc_year=2026).values_list("doc_seq", flat=True))
    assert seqs == list(range(1, 11))


def test_the_prefix_is_the_organizations_short_name_or_its_name(tree):
    town = make_org("A县一镇党委", parent=tree.county_a, short_name="一镇党委")
    unnamed = make_org("A县二村党支部", parent=tree.county_a, kind="branch")

    assert reports_services.document_number(town, 2026, 7) == "一镇党委〔2026〕7号"
    assert reports_services.document_number(unnamed, 2026, 12) == "A县二村党支部〔2026〕12号"


# --- concurrency (PostgreSQL: row locks and the counter) ----------------------------------------


def _race(targets: list, fn) -> tuple[list, list[str]]:
    """Run fn(target) for every target at once, one thread and connection each; (results, errors)."""
    results, errors, unexpected = [], [], []
    barrier = threading.Barrier(len(targets))

    def run(target):
        try:
            barrier.wait()
            results.append(fn(target))
        except ValidationError as exc:
            errors.append(" ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001
            unexpected.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not unexpected, unexpected
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_concurrent_signatures_of_one_version_make_one_signature_and_one_number(tree, county):
    version = draft(county)

    results, errors = _race([version] * 10, lambda v: sign(v, county.secretary).doc_number)

    assert results == ["A县委〔2026〕1号"]
    assert len(errors) == 9 and all("不能重复签发" in e for e in errors), errors
    assert ReportVersion.objects.filter(signed_at__isnull=False).count() == 1
    assert DocumentCounter.objects.get(organization=county.org, year=2026).last == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_reports_of_one_organization_signed_at_once_get_numbers_one_to_ten(tree, county):
    versions = [draft(county, kind=ReportKind.MAJOR, period=None) for _ in range(10)]

    results, errors = _race(versions, lambda v: sign(v, county.secretary).doc_seq)

    assert errors == []
    assert sorted(results) == list(range(1, 11))
    numbers = set(ReportVersion.objects.filter(signed_at__isnull=False).values_list("doc_number", flat=True))
    assert numbers == {f"A县委〔2026〕{n}号" for n in range(1, 11)}


# --- the text that may be signed (issue #9 §2) ----------------------------------------------------


def test_a_draft_still_holding_the_template_prompts_is_refused_naming_each_prompt(county):
    report = reports_services.report_create(organization=county.org, kind=ReportKind.HALF_YEAR, period=H1,
                                            actor=county.drafter)

    message = refused(selectors.latest_version(report), county.secretary)

    assert message == (
        "正文尚未完成，不能签发： "
        "第一部分“基本情况”仍是模板提示：（请简述本期意识形态工作总体情况。） "
        "第二部分“存在的问题”仍是模板提示：（请列明存在的主要问题及原因。） "
        "第三部分“下一步工作打算”仍是模板提示：（请列明下一步的工作措施。）"
    )
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT
    assert not DocumentCounter.objects.filter(last__gt=0).exists()


def _saved(county: County, blocks: list[dict]) -> ReportVersion:
    first = draft(county)
    return reports_services.report_version_save(
        report=first.report, actor=county.drafter, title=first.title, addressee=first.addressee, copy_to="",
        blocks=blocks, attachments=[],
    )


def test_a_heading_without_text_is_refused_and_one_prompt_left_among_real_text_too(county):
    version = _saved(county, [
        {"level": 1, "text": "基本情况"}, {"level": 0, "text": "今年以来认真落实责任制。"},
        {"level": 1, "text": "存在的问题"},
        {"level": 1, "text": "下一步工作打算"}, {"level": 0, "text": "（请列明下一步的工作措施。）"},
        {"level": 0, "text": "一是加强阵地管理。"},
    ])

    assert refused(version, county.secretary) == (
        "正文尚未完成，不能签发： 第二部分“存在的问题”没有正文内容。 "
        "第三部分“下一步工作打算”仍是模板提示：（请列明下一步的工作措施。）"
    )


def test_a_prompt_left_inside_the_drafters_own_paragraph_is_refused_too(county):
    version = _saved(county, [
        {"level": 1, "text": "存在的问题"}, {"level": 0, "text": "理论学习不够深入。（请补充具体事例）"},
    ])

    assert refused(version, county.secretary) == (
        "正文尚未完成，不能签发： 第一部分“存在的问题”的正文中仍有模板提示：（请补充具体事例）"
    )


def test_a_prompt_before_any_heading_and_a_trailing_empty_subsection_are_named(county):
    version = _saved(county, [
        {"level": 0, "text": "（请简述本期意识形态工作总体情况。）"},
        {"level": 1, "text": "基本情况"}, {"level": 0, "text": "情况良好。"}, {"level": 2, "text": "阵地管理"},
    ])

    assert refused(version, county.secretary) == (
        "正文尚未完成，不能签发： 正文开头仍是模板提示：（请简述本期意识形态工作总体情况。） "
        "第一部分“基本情况”中的“（一）阵地管理”没有正文内容。"
    )


def test_the_written_draft_signs(county):
    version = sign(draft(county), county.secretary)

    assert version.is_signed and selectors.signing_problems(version.blocks) == []


def test_a_version_signed_with_prompts_before_the_guard_is_not_submitted(county):
    """Signed before the guard existed (written here directly): the submission refuses it as well."""
    version = sign(draft(county), county.secretary)
    ReportVersion.objects.filter(pk=version.pk).update(blocks=[{"level": 1, "text": "存在的问题"},
                                                               {"level": 0, "text": "（请列明存在的主要问题及原因。）"}])

    with pytest.raises(ValidationError) as info:
        reports_services.report_submit(report=version.report, actor=county.drafter, now=at(D(2026, 6, 16)))

    assert info.value.messages == [
        "已签发的第 2 版正文尚未完成，不能报送；请修改后重新签发：",
        "第一部分“存在的问题”仍是模板提示：（请列明存在的主要问题及原因。）",
    ]
    assert not version.report.submissions.exists()


# --- the 机关代字 of the number (issue #10 §2) ----------------------------------------------------


def test_a_long_name_without_a_short_name_is_refused_at_signing_with_what_to_do(county):
    county.org.name, county.org.short_name = "城投集团工程建设公司党支部", ""
    county.org.save()

    message = refused(draft(county), county.secretary)

    assert "“城投集团工程建设公司党支部”的名称有 13 个字" in message
    assert "简称（不超过 10 个字" in message
    assert DocumentCounter.objects.filter(organization=county.org).count() == 0


def test_a_long_name_with_a_short_name_numbers_with_the_short_name(county):
    county.org.name, county.org.short_name = "城投集团工程建设公司党支部", "工程建设公司党支部"
    county.org.save()

    assert sign(draft(county), county.secretary).doc_number == "工程建设公司党支部〔2026〕1号"


def test_a_name_of_ten_characters_is_its_own_prefix():
    org = Organization(name="江川市第一中学党支部", short_name="")
    assert reports_services.number_prefix(org) == "江川市第一中学党支部"
