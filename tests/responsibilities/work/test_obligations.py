"""Completing obligations with evidence; uploads; waive and re-open; the pages that do it."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from responsibilities.models import EvidenceFile, Obligation, ObligationEvent
from responsibilities.org import services as org_services
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from responsibilities.work import services as work_services
from responsibilities.work.uploads import clean_name
from tests.factories import make_assignment, make_person, make_user

D = dt.date
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.fixture(autouse=True)
def uploads_in_tmp(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "uploads"):
        yield tmp_path / "uploads"


@pytest.fixture
def q3(tree):
    scheduling.obligations_generate(periods=[Period.parse("2026Q3"), Period.parse("2026")],
                                    now=dt.datetime(2026, 6, 30, 16, tzinfo=dt.UTC))

    def get(code, org=tree.county_a, period="2026Q3"):
        return Obligation.objects.get(organization=org, work_system__code=code, period=period)

    return get


@pytest.fixture
def team(tree):
    secretary = make_person("王书记", organization=tree.county_a)
    make_assignment(person=secretary, role="secretary")
    member = make_person("李委员", organization=tree.county_a)
    make_assignment(person=member, role="member", portfolio="分管宣传")
    return secretary, member


def meeting(ob, actor, team, **overrides):
    secretary, member = team
    fields = {
        "obligation": ob, "actor": actor, "held_on": D(2026, 8, 20), "place": "县委常委会议室", "chair": secretary,
        "attendees": [secretary, member], "topic": "三季度意识形态形势分析研判", "discussion": "研判了网络舆情与阵地管理。",
    }
    fields.update(overrides)
    return work_services.obligation_add_meeting(**fields)


@time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC), tick=False)
def test_a_meeting_record_completes_a_meeting_obligation(q3, team, county_a_staff):
    ob = q3("analysis")
    meeting(ob, county_a_staff, team)
    ob.refresh_from_db()
    assert ob.status == "done" and ob.completed_by == county_a_staff and ob.next_reminder_at is None
    kinds = list(ob.events.values_list("kind", flat=True))
    assert kinds == ["evidence_added", "completed"]


@time_machine.travel(dt.datetime(2026, 10, 9, 10, tzinfo=dt.UTC), tick=False)
def test_completing_after_the_deadline_is_done_late(q3, team, county_a_staff):
    ob = q3("analysis")
    scheduling.sweep_overdue()
    meeting(ob, county_a_staff, team)
    ob.refresh_from_db()
    assert ob.status == "done_late"


@time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC), tick=False)
def test_fourteen_studies_are_needed_when_fourteen_are_required(q3, team, county_a_staff):
    ob = q3("liaison", period="2026")
    Obligation.objects.filter(pk=ob.pk).update(required_count=3)
    for day in (1, 2):
        meeting(ob, county_a_staff, team, held_on=D(2026, 8, day))
        ob.refresh_from_db()
        assert ob.status == "open"
    meeting(ob, county_a_staff, team, held_on=D(2026, 8, 3))
    ob.refresh_from_db()
    assert ob.status in ("done", "done_late") and ob.completed_by == county_a_staff


@time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC), tick=False)
def test_meeting_records_are_validated(q3, team, county_a_staff):
    ob = q3("analysis")
    with pytest.raises(ValidationError, match="不能晚于今天"):
        meeting(ob, county_a_staff, team, held_on=D(2026, 9, 2))
    with pytest.raises(ValidationError, match="参会人员"):
        meeting(ob, county_a_staff, team, attendees=[])
    with pytest.raises(ValidationError, match="文件材料"):
        meeting(q3("briefing", period="2026"), county_a_staff, team)
    assert not ob.meetings.exists()


def test_files_complete_a_document_obligation_and_keep_their_hash(q3, county_a_staff, uploads_in_tmp):
    ob = q3("briefing", period="2026")
    (stored,) = work_services.obligation_add_files(
        obligation=ob, actor=county_a_staff, uploads=[SimpleUploadedFile("通报.pdf", PDF)]
    )
    ob.refresh_from_db()
    assert ob.status in ("done", "done_late")
    import hashlib

    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.stored_name != "通报.pdf" and (uploads_in_tmp / "evidence" / stored.stored_name).read_bytes() == PDF
    assert stored.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("报告.pdf", b"MZ\x90\x00 this is an executable", "内容与扩展名不符"),
        ("报告.docx", PDF, "内容与扩展名不符"),
        ("脚本.html", b"<script>alert(1)</script>", "不支持的文件类型"),
        ("无扩展名", PDF, "不支持的文件类型"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_disguised_and_unsupported_files_are_refused(q3, county_a_staff, name, content, message):
    ob = q3("briefing", period="2026")
    with pytest.raises(ValidationError, match=message):
        work_services.obligation_add_files(obligation=ob, actor=county_a_staff, uploads=[SimpleUploadedFile(name, content)])
    assert not EvidenceFile.objects.exists()
    ob.refresh_from_db()
    assert ob.status == "open"


def test_oversize_files_are_refused_and_nothing_is_left_on_disk(q3, county_a_staff, uploads_in_tmp):
    ob = q3("briefing", period="2026")
    with override_settings(UPLOAD_MAX_BYTES=1024), pytest.raises(ValidationError, match="大小限制"):
        work_services.obligation_add_files(
            obligation=ob, actor=county_a_staff, uploads=[SimpleUploadedFile("大.pdf", PDF + b"0" * 2048)]
        )
    assert not list((uploads_in_tmp / "evidence").glob("*")) if (uploads_in_tmp / "evidence").exists() else True


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32.pdf", "system32.pdf"),
        ("a\x00b\r\n.pdf", "ab.pdf"),
        ("/abs/path/报告.pdf", "报告.pdf"),
        (".pdf", "file.pdf"),
        ("x" * 300 + ".pdf", "x" * 150 + ".pdf"),
    ],
)
def test_hostile_file_names_are_cleaned(hostile, expected):
    assert clean_name(hostile) == expected


def test_office_documents_are_recognised_by_their_contents(q3, county_a_staff):
    ob = q3("briefing", period="2026")
    (stored,) = work_services.obligation_add_files(
        obligation=ob, actor=county_a_staff, uploads=[SimpleUploadedFile("通报.docx", docx_bytes())]
    )
    assert stored.content_type.endswith("wordprocessingml.document")


def test_waive_and_reopen_need_reasons_and_are_recorded(q3, county_a_staff, city_staff):
    ob = q3("analysis")
    with pytest.raises(ValidationError, match="理由"):
        work_services.obligation_waive(obligation=ob, actor=city_staff, reason="  ")
    work_services.obligation_waive(obligation=ob, actor=city_staff, reason="机构调整，本季度合并开展")
    ob.refresh_from_db()
    assert ob.status == "waived" and ob.waived_reason == "机构调整，本季度合并开展"
    with pytest.raises(ValidationError, match="理由"):
        work_services.obligation_reopen(obligation=ob, actor=city_staff, reason="")
    work_services.obligation_reopen(obligation=ob, actor=city_staff, reason="免除有误")
    ob.refresh_from_db()
    assert ob.is_open and ob.waived_reason == ""
    events = list(ObligationEvent.objects.filter(obligation=ob).values_list("kind", "reason", "actor"))
    assert events == [("waived", "机构调整，本季度合并开展", city_staff.pk), ("reopened", "免除有误", city_staff.pk)]


def test_a_waiver_is_undone_only_one_level_up_like_the_waiver_itself(q3, county_a_staff, city_staff, client):
    ob = q3("analysis")
    work_services.obligation_waive(obligation=ob, actor=city_staff, reason="机构调整，本季度合并开展")

    with pytest.raises(ValidationError, match="撤销免除须由上级组织决定"):
        work_services.obligation_reopen(obligation=ob, actor=county_a_staff, reason="我们还是想做")
    client.force_login(county_a_staff)
    page = client.get(reverse("responsibilities:obligation_detail", args=[ob.pk])).content.decode()
    response = client.post(reverse("responsibilities:obligation_reopen", args=[ob.pk]), {"reason": "我们还是想做"})

    ob.refresh_from_db()
    assert "重新打开" not in page and response.status_code == 403
    assert (ob.status, ob.waived_reason) == ("waived", "机构调整，本季度合并开展")


def test_someone_without_manage_cannot_reopen_a_completed_task_through_the_service(q3, county_a_staff, tree):
    ob = q3("analysis")
    work_services.obligation_complete(obligation=ob, actor=county_a_staff, at=timezone.now())
    outsider = make_user("b_staff", grants=[("view", tree.county_b), ("manage", tree.county_b)])

    with pytest.raises(ValidationError, match="无权重新打开"):
        work_services.obligation_reopen(obligation=ob, actor=outsider, reason="误操作")
    ob.refresh_from_db()
    assert ob.status in ("done", "done_late") and ob.completed_by == county_a_staff


def test_an_organizations_own_staff_cannot_waive_its_task_even_through_the_service(q3, county_a_staff):
    ob = q3("analysis")

    with pytest.raises(ValidationError, match="免除须由上级组织决定"):
        work_services.obligation_waive(obligation=ob, actor=county_a_staff, reason="本单位人手不足")

    ob.refresh_from_db()
    assert ob.status == "open" and not ob.events.exists()


def test_the_waive_form_and_its_post_follow_the_same_rule_as_the_service(client, q3, county_a_staff, city_staff):
    ob = q3("analysis")
    client.force_login(county_a_staff)
    assert "waive_form" not in client.get(f"/obligations/{ob.pk}/").context
    assert client.post(f"/obligations/{ob.pk}/waive/", {"reason": "本单位人手不足"}).status_code == 403
    client.force_login(city_staff)
    assert "waive_form" in client.get(f"/obligations/{ob.pk}/").context
    assert client.post(f"/obligations/{ob.pk}/waive/", {"reason": "机构调整"}).status_code == 302
    ob.refresh_from_db()
    assert (ob.status, ob.completed_by) == ("waived", city_staff)


def test_the_root_organizations_own_staff_decide_its_waivers(tree, city_staff):
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=dt.datetime(2026, 6, 30, 16, tzinfo=dt.UTC))
    ob = Obligation.objects.get(organization=tree.city, work_system__code="analysis", period="2026Q3")
    work_services.obligation_waive(obligation=ob, actor=city_staff, reason="市委统一安排")
    ob.refresh_from_db()
    assert ob.status == "waived"


# -- pages ------------------------------------------------------------------------------


def test_evidence_downloads_only_through_the_permission_check(client, tree, q3, county_a_staff):
    ob = q3("briefing", period="2026")
    (stored,) = work_services.obligation_add_files(
        obligation=ob, actor=county_a_staff, uploads=[SimpleUploadedFile("通报.pdf", PDF)]
    )
    url = f"/evidence/{stored.pk}/download/"
    client.force_login(county_a_staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(make_user("outsider", grants=[("view", tree.county_b)]))
    assert client.get(url).status_code == 404


def test_upload_form_shows_a_chinese_error_and_keeps_the_obligation_open(client, q3, county_a_staff):
    ob = q3("briefing", period="2026")
    client.force_login(county_a_staff)
    response = client.post(f"/obligations/{ob.pk}/files/", {"files": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert response.status_code == 400
    assert "内容与扩展名不符" in response.content.decode()
    ob.refresh_from_db()
    assert ob.status == "open"


@time_machine.travel(dt.datetime(2026, 10, 9, 10, tzinfo=dt.UTC), tick=False)
def test_my_work_lists_overdue_first_and_completes_in_one_form(client, tree, q3, team, county_a_staff):
    scheduling.sweep_overdue()  # the Q3 analysis (due 30 September) is now overdue; the yearly ones are open
    overdue = q3("analysis")
    assert overdue.status == "overdue"
    client.force_login(county_a_staff)
    page = client.get("/work/").content.decode()
    assert page.index("status-overdue") < page.index("status-open")
    secretary, member = team
    response = client.post(
        f"/obligations/{overdue.pk}/meeting/",
        {"held_on": "2026-09-30", "place": "会议室", "chair": secretary.pk, "attendees": [secretary.pk, member.pk],
         "topic": "形势研判", "discussion": "研究了有关情况。", "next": "/work/"},
    )
    assert response.status_code == 302 and response["Location"] == "/work/"
    overdue.refresh_from_db()
    assert overdue.status == "done_late"


def test_view_only_users_cannot_complete(client, tree, q3):
    ob = q3("briefing", period="2026")
    viewer = make_user("viewer", grants=[("view", tree.county_a)])
    client.force_login(viewer)
    assert client.get(f"/obligations/{ob.pk}/").status_code == 200
    assert client.post(f"/obligations/{ob.pk}/waive/", {"reason": "x"}).status_code == 403
    client.force_login(make_user("sibling", grants=[("manage", tree.county_b)]))
    assert client.get(f"/obligations/{ob.pk}/").status_code == 404
    assert client.post(f"/obligations/{ob.pk}/waive/", {"reason": "x"}).status_code == 404


def test_inbox_counts_unread_and_marks_read(client, tree, q3, county_a_staff):
    from responsibilities.models import Notification

    ob = q3("analysis")
    Notification.objects.create(recipient=county_a_staff, obligation=ob, kind="reminder", offset_days=7, title="提醒一")
    client.force_login(county_a_staff)
    assert 'data-testid="unread">1<' in client.get("/work/").content.decode()
    client.post("/inbox/read/")
    assert 'data-testid="unread"' not in client.get("/inbox/").content.decode()


@time_machine.travel(dt.datetime(2026, 12, 20, 10, tzinfo=dt.UTC), tick=False)
def test_my_work_shows_the_next_period_only_once_it_begins(client, tree, county_a_staff):
    scheduling.obligations_generate(periods=[Period.parse("2026Q4"), Period.parse("2027Q1")])
    client.force_login(county_a_staff)
    page = client.get("/work/").content.decode()
    assert "2026年第四季度" in page and "2027年第一季度" not in page


# -- review findings -------------------------------------------------------------------------


def test_a_report_obligation_cannot_be_closed_with_an_uploaded_file(client, tree, county_a_staff):
    scheduling.obligations_generate(periods=[Period.parse("2026H2")])
    ob = Obligation.objects.get(organization=tree.county_a, work_system__code="party_report", period="2026H2")
    with pytest.raises(ValidationError, match="签发并报送"):
        work_services.obligation_add_files(obligation=ob, actor=county_a_staff, uploads=[SimpleUploadedFile("x.pdf", PDF)])
    client.force_login(county_a_staff)
    assert "files_form" not in client.get(f"/obligations/{ob.pk}/").context
    ob.refresh_from_db()
    assert ob.status == "open"


@time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC), tick=False)
def test_the_same_meeting_cannot_be_recorded_twice(q3, team, county_a_staff):
    ob = q3("liaison", period="2026")
    Obligation.objects.filter(pk=ob.pk).update(required_count=2)
    meeting(ob, county_a_staff, team)
    with pytest.raises(ValidationError, match="已登记"):
        meeting(ob, county_a_staff, team)
    ob.refresh_from_db()
    assert ob.status == "open" and ob.meetings.count() == 1


def test_the_meeting_form_offers_everyone_holding_a_role_today(tree, q3, team):
    from responsibilities.work.views import _team

    secretary, member = team
    # An ended role somewhere else must not hide a current member of this team.
    org_services.role_assign(person=member, organization=tree.county_b, role="liaison",
                         start_date=D(2020, 1, 1), end_date=D(2021, 1, 1))
    assert set(_team(q3("analysis"))) == {secretary, member}


def test_a_missing_evidence_file_is_a_404_not_a_500(client, q3, county_a_staff, uploads_in_tmp):
    ob = q3("briefing", period="2026")
    (stored,) = work_services.obligation_add_files(obligation=ob, actor=county_a_staff, uploads=[SimpleUploadedFile("a.pdf", PDF)],
                                              complete=False)
    (uploads_in_tmp / "evidence" / stored.stored_name).unlink()
    client.force_login(county_a_staff)
    assert client.get(f"/evidence/{stored.pk}/download/").status_code == 404


@pytest.mark.parametrize("bad", ["²", "99999999999999999999", "-1", "abc"])
def test_odd_ids_when_marking_read_do_not_break_the_inbox(client, county_a_staff, bad):
    client.force_login(county_a_staff)
    assert client.post("/inbox/read/", {"id": bad}).status_code == 302


def test_huge_page_numbers_show_the_last_reachable_page(client, tree, county_a_staff):
    client.force_login(county_a_staff)
    response = client.get(f"/orgs/{tree.county_a.pk}/?page=99999999999999999999")
    assert response.status_code == 200


# --- uploads cut off while they arrive (responsibilities.work.uploads.LimitedUploadHandler) ----------


LIMITED_UPLOAD_HANDLERS = [  # as config/settings.py registers them
    "responsibilities.work.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


@pytest.fixture
def received(monkeypatch, settings):
    """Bytes that reached Django's own upload handlers (memory or temporary file) after the limiter."""
    from django.core.files import uploadhandler

    settings.FILE_UPLOAD_HANDLERS = LIMITED_UPLOAD_HANDLERS

    counts = []
    for handler in (uploadhandler.MemoryFileUploadHandler, uploadhandler.TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def spy(self, raw_data, start, original=original):
            counts.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", spy)
    return counts


def test_an_upload_past_the_limit_is_cut_off_and_the_user_told_why(client, q3, county_a_staff, uploads_in_tmp,
                                                                    received):
    ob = q3("briefing", period="2026")
    client.force_login(county_a_staff)

    with override_settings(UPLOAD_MAX_BYTES=1024):
        response = client.post(f"/obligations/{ob.pk}/files/",
                               {"files": SimpleUploadedFile("大.pdf", PDF + b"0" * 200_000)})

    assert response.status_code == 400
    assert "上传的文件过大，已停止接收" in response.content.decode()
    assert sum(received) == 0  # the first chunk already passed the limit: nothing was kept
    assert not EvidenceFile.objects.exists()
    ob.refresh_from_db()
    assert ob.status == "open"
    assert not (uploads_in_tmp / "evidence").exists() or not list((uploads_in_tmp / "evidence").iterdir())


def test_an_upload_within_the_limit_passes_the_limiter(client, q3, county_a_staff, received):
    ob = q3("briefing", period="2026")
    client.force_login(county_a_staff)

    with override_settings(UPLOAD_MAX_BYTES=len(PDF)):
        response = client.post(f"/obligations/{ob.pk}/files/", {"files": SimpleUploadedFile("通报.pdf", PDF)})

    assert response.status_code == 302
    assert sum(received) == len(PDF)
    assert EvidenceFile.objects.get().size == len(PDF)


def test_a_request_declared_far_too_large_is_refused_at_the_first_file(rf):
    from django.core.files.uploadhandler import StopUpload

    from responsibilities.work.uploads import LimitedUploadHandler, request_max_bytes

    with override_settings(UPLOAD_MAX_BYTES=1024):
        assert request_max_bytes() == 1024 * 5 + 1024 * 1024
        request = rf.post("/")
        handler = LimitedUploadHandler(request)
        handler.handle_raw_input(None, request.META, request_max_bytes() + 1, b"boundary")
        with pytest.raises(StopUpload) as stopped:
            handler.new_file("files", "a.pdf", "application/pdf", None)

    assert stopped.value.connection_reset is True  # the rest of the body is not read
    assert request.upload_refused is True


def test_a_single_file_past_the_limit_in_a_modest_request_is_drained_not_reset(rf):
    from django.core.files.uploadhandler import StopUpload

    from responsibilities.work.uploads import LimitedUploadHandler

    with override_settings(UPLOAD_MAX_BYTES=1024):
        request = rf.post("/")
        handler = LimitedUploadHandler(request)
        handler.handle_raw_input(None, request.META, 4096, b"boundary")
        handler.new_file("files", "a.pdf", "application/pdf", None)
        assert handler.receive_data_chunk(b"0" * 1000, 0) == b"0" * 1000
        with pytest.raises(StopUpload) as stopped:
            handler.receive_data_chunk(b"0" * 1000, 1000)

    # The browser still gets the page: the rest of a body of bounded size is read and dropped.
    assert stopped.value.connection_reset is False


def hostile_docx(patch) -> bytes:
    """docx_bytes() with every central directory header patched."""
    import struct

    buffer = bytearray(docx_bytes())
    offset = buffer.find(b"PK\x01\x02")
    while offset >= 0:
        if patch == "version":
            struct.pack_into("<H", buffer, offset + 6, 99)  # "version needed to extract": 9.9
        else:
            flags = struct.unpack_from("<H", buffer, offset + 8)[0]
            struct.pack_into("<H", buffer, offset + 8, flags | 0x800)  # a UTF-8 name …
            buffer[offset + 46] = 0xFF  # … that is not UTF-8
        offset = buffer.find(b"PK\x01\x02", offset + 4)
    return bytes(buffer)


@pytest.mark.parametrize("patch", ["version", "utf8-name"])
def test_a_zip_with_a_hostile_central_directory_is_not_an_office_document(client, q3, county_a_staff, patch):
    ob = q3("briefing", period="2026")
    with pytest.raises(ValidationError, match="内容与扩展名不符"):
        work_services.obligation_add_files(
            obligation=ob, actor=county_a_staff, uploads=[SimpleUploadedFile("通报.docx", hostile_docx(patch))]
        )

    client.force_login(county_a_staff)
    response = client.post(f"/obligations/{ob.pk}/files/",
                           {"files": SimpleUploadedFile("通报.docx", hostile_docx(patch))})
    assert response.status_code == 400
    assert "内容与扩展名不符" in response.content.decode()
    assert not EvidenceFile.objects.exists()


@time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC), tick=False)
def test_a_task_reopened_before_its_deadline_gets_its_reminders_again(q3, team, county_a_staff):
    ob = q3("analysis")  # due 2026-09-30: the 14-, 7-, 3- and 1-day reminders are all ahead
    meeting(ob, county_a_staff, team)
    ob.refresh_from_db()
    assert ob.next_reminder_at is None
    work_services.obligation_reopen(obligation=ob, actor=county_a_staff, reason="会议记录不完整")
    ob.refresh_from_db()
    assert ob.next_reminder_at == dt.datetime(2026, 9, 16, 1, 0, tzinfo=dt.UTC)  # 09:00 on 16 September, Beijing


def test_evidence_downloads_are_not_cached(client, q3, county_a_staff):
    ob = q3("briefing", period="2026")
    (stored,) = work_services.obligation_add_files(obligation=ob, actor=county_a_staff,
                                              uploads=[SimpleUploadedFile("a.pdf", PDF)], complete=False)
    client.force_login(county_a_staff)
    directives = client.get(f"/evidence/{stored.pk}/download/")["Cache-Control"].split(", ")
    assert {"private", "no-store"} <= set(directives)


def test_staff_granted_through_a_group_see_their_organizations_tasks(client, tree, q3):
    from django.contrib.auth.models import Group

    from responsibilities import permissions

    group = Group.objects.create(name="A县委宣传部")
    permissions.grant(group, "manage", tree.county_a, actor=None)
    permissions.grant(group, "view", tree.county_a, actor=None)
    member = make_user("group_member")
    member.groups.add(group)
    client.force_login(member)
    assert "分析研判制度" in client.get("/work/").content.decode()
