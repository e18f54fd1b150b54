"""The world the permission matrix runs in: a city with two counties and their towns, one
persona per kind of user, and one object of every kind (task, evidence, duty, report, submission,
delegation, export) in each organization. Built once per module and rolled back at its end.

Each persona logs in once, when the world is built; a test's client carries that session's cookie
(logging in per request cost a session row and a last_login update each time). A test that makes
many requests runs each in `rolled_back()`, so that every request sees the world as built."""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client, override_settings
from django.utils import timezone
from pypdf import PdfWriter

from reporting.ledgers import services as ledgers
from reporting.ledgers.services import LedgerParams
from reporting.models import (
    Delegation,
    Report,
    ReportAttachment,
    ReportKind,
    ReportVersion,
    Submission,
)
from reporting.reports import services as reporting_services
from responsibilities import jobs, permissions
from responsibilities.duties import services as duties_services
from responsibilities.models import (
    DutyItem,
    EvidenceFile,
    ExportJob,
    MeetingRecord,
    Obligation,
    Organization,
    Person,
    RoleAssignment,
    WorkSystem,
)
from responsibilities.org import services as org_services
from responsibilities.periods import Period
from responsibilities.work import services as work_services
from responsibilities.work.uploads import discard_on_error, store_upload
from tests.accountability.assessments.matrix_world import AssessObjects, build_assessments
from tests.accountability.permission_cases import build as accountability_world
from tests.reporting.writing import written_blocks

D = datetime.date

PERSONAS = (
    "anonymous",
    "admin",
    "city_staff",
    "county_a_staff",
    "county_a_secretary",
    "city_inspector",
    "sibling_user",
)
# own = 县 A (where the county_a_* personas work), child = a town in A, sibling = 县 B, parent = the city.
OBJECTS = ("own", "child", "sibling", "parent")


# --- the world every case runs in ---------------------------------------------------------------


@dataclass
class World:
    orgs: dict[str, Organization]
    people: dict[str, Person]
    assignments: dict[str, RoleAssignment]
    obligations: dict[str, Obligation]
    evidence: dict[str, EvidenceFile]
    meetings: dict[str, MeetingRecord] = field(default_factory=dict)  # one meeting record per organization
    users: dict[str, object] = field(default_factory=dict)
    duties: dict[str, DutyItem] = field(default_factory=dict)
    export_job: ExportJob | None = None  # a finished ledger export owned by county A's staff
    other_city: Organization | None = None
    uploads: Path | None = None  # where the evidence files of this world are stored
    reports: dict[str, Report] = field(default_factory=dict)  # a draft half-year report per organization
    submissions: dict[str, Submission] = field(default_factory=dict)  # a signed report sent upward, per org
    delegations: dict[str, Delegation] = field(default_factory=dict)  # of the sign-off, to the org's member
    bundle_job: ExportJob | None = None  # a finished evidence bundle owned by the city's inspector
    import_job: ExportJob | None = None  # a finished background duty-list import by county A's staff
    preview_job: ExportJob | None = None  # a finished draft PDF preview owned by county A's staff
    assess: AssessObjects | None = None  # rubrics, campaigns, assessments, suggestions, files (检查考核)
    accountability: dict = field(default_factory=dict)  # findings, cases, case subjects per org (tests/accountability)
    sessions: dict[str, str] = field(default_factory=dict)  # persona → session key, logged in once
    clients: dict[str, Client] = field(default_factory=dict)  # persona → its client, cookies reset per use


def world_user(username: str, grants: list[tuple[str, Organization]] = (), *, superuser: bool = False):
    # No usable password: personas log in with force_login, which keeps the matrix fast.
    User = get_user_model()
    if superuser:
        user = User.objects.create_superuser(username=username, password=None)
    else:
        user = User.objects.create_user(username=username, password=None)
    for capability, org in grants:
        permissions.grant(user, capability, org, actor=None)
    return user


def _org(name: str, parent: Organization | None = None, kind: str = "committee") -> Organization:
    return org_services.organization_create(name=name, kind=kind, parent=parent, actor=None)


def _pdf(token: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{token}.pdf", f"%PDF-1.4\n% {token}\n%%EOF\n".encode(), "application/pdf")


def _submitted_report(org: Organization, key: str) -> Submission:
    """A report signed and submitted upward. The signature is written directly, without rendering a
    PDF: the matrix asks who may open what, and the stored file carries a token to look for."""
    report = reporting_services.report_create(
        organization=org, kind=ReportKind.INSPECTION, period=Period.parse("2025"), actor=None
    )
    pdf = f"%PDF-1.4\n% report-of-{key}\n%%EOF\n".encode()
    version = report.versions.get()
    version.blocks = written_blocks(version.blocks)
    version.issuer, version.doc_year, version.doc_seq = org, 2025, 1
    version.doc_number, version.signed_at = f"{org.name}〔2025〕1号", timezone.now()
    version.pdf_sha256, version.pdf_name = hashlib.sha256(pdf).hexdigest(), f"report-of-{key}.pdf"
    reporting_services.signed_pdf_path(version).write_bytes(pdf)
    version.save()
    Report.objects.filter(pk=report.pk).update(status=Report.Status.SIGNED)
    report.refresh_from_db()
    submission = reporting_services.report_submit(report=report, actor=None)
    _attach(version, _pdf(f"attachment-of-{key}"))
    return submission


def _blank_pdf(name: str) -> SimpleUploadedFile:
    """A real one-page PDF: a draft's attachment is appended to the PDF when the draft is signed."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), "application/pdf")


def _attach(version, upload: SimpleUploadedFile) -> None:
    with discard_on_error():
        stored = store_upload(upload)
    ReportAttachment.objects.create(
        version=version, title=Path(upload.name).stem, original_name=stored.original_name, stored_name=stored.stored_name,
        content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
    )


def build_world() -> World:
    province = _org("省委")  # above the city, so that the city, too, has an upper organization
    city = _org("X市委", province)
    county_a = _org("A县委", city)
    county_b = _org("B县委", city)
    town_a = _org("A县东镇党委", county_a)
    _org("A县东镇前村党支部", town_a, "branch")
    _org("B县西镇党委", county_b)
    other_city = _org("Y市委")
    orgs = {"own": county_a, "child": town_a, "sibling": county_b, "parent": city}

    people: dict[str, Person] = {}
    assignments: dict[str, RoleAssignment] = {}
    obligations: dict[str, Obligation] = {}
    evidence: dict[str, EvidenceFile] = {}
    meetings: dict[str, MeetingRecord] = {}
    briefing = WorkSystem.objects.get(code="briefing")  # seeded by migration; evidence = documents
    for key, org in orgs.items():
        person = org_services.person_create(name=f"{org.name}委员甲", organization=org, title="委员", actor=None)
        people[key] = person
        assignments[key] = org_services.role_assign(
            person=person, organization=org, role=RoleAssignment.Role.MEMBER, start_date=D(2025, 1, 1)
        )
        obligations[key] = Obligation.objects.create(
            organization=org, work_system=briefing, period="2026H1", period_start=D(2026, 1, 1),
            period_end=D(2026, 6, 30), due_date=D(2026, 7, 15), responsible=briefing.responsible,
        )
        [evidence[key]] = work_services.obligation_add_files(
            obligation=obligations[key], actor=None, uploads=[_pdf(f"evidence-of-{key}")], complete=False
        )
        meetings[key] = MeetingRecord.objects.create(  # written directly: the world's task takes documents
            obligation=obligations[key], held_on=D(2026, 3, 2), place="会议室", chair=person,
            topic=f"meeting-of-{key}", discussion="研判",
        )

    users = {
        "anonymous": None,
        "admin": world_user("admin", superuser=True),
        "city_staff": world_user(
            "city_staff", [("view", city), ("manage", city), ("draft_report", city)]
        ),
        "county_a_staff": world_user(
            "county_a_staff", [("view", county_a), ("manage", county_a), ("draft_report", county_a)]
        ),
        "county_a_secretary": world_user("county_a_secretary", [("view", county_a), ("sign_report", county_a)]),
        "city_inspector": world_user("city_inspector", [("inspect", city)]),
        "sibling_user": world_user("sibling_user", [("view", county_b), ("manage", county_b)]),
    }
    secretary = org_services.person_create(
        name="周书记", organization=county_a, title="县委书记", user=users["county_a_secretary"], actor=None
    )
    org_services.role_assign(
        person=secretary, organization=county_a, role=RoleAssignment.Role.SECRETARY, start_date=D(2024, 1, 1)
    )
    duties = {
        key: duties_services.duty_item_create(
            organization=org, content=f"{org.name}落实意识形态工作责任制", responsible="secretary",
            verification="会议记录与报告", actor=None,
        )
        for key, org in orgs.items()
    }
    job = ledgers.export_job_create(
        user=users["county_a_staff"],
        params=LedgerParams(kind="obligations", organization_id=county_a.pk, period="2026", status=""),
    )
    ledgers.export_run(job_id=job.pk)  # synchronously: the queued task only fires on commit
    job.refresh_from_db()
    reports = {
        key: reporting_services.report_create(
            organization=org, kind=ReportKind.HALF_YEAR, period=Period.parse("2026H1"), actor=None
        )
        for key, org in orgs.items()
    }
    for key, report in reports.items():  # the drafter's text, written directly: version 1 is what gets signed
        version = report.versions.get()
        ReportVersion.objects.filter(pk=version.pk).update(blocks=written_blocks(version.blocks))
        _attach(version, _blank_pdf(f"draft-attachment-of-{key}.pdf"))
    submissions = {key: _submitted_report(org, key) for key, org in orgs.items()}
    delegations = {  # written directly: only county A has a 第一责任人 to record one
        key: Delegation.objects.create(organization=org, delegate=people[key], start_date=D(2099, 6, 1),
                                       end_date=D(2099, 6, 30), reason="书记外出学习")
        for key, org in orgs.items()
    }
    world = World(orgs=orgs, people=people, assignments=assignments, obligations=obligations,
                  evidence=evidence, meetings=meetings, users=users, other_city=other_city, duties=duties, export_job=job,
                  reports=reports, submissions=submissions, delegations=delegations,
                  bundle_job=_finished_bundle(users["city_inspector"], county_a),
                  preview_job=_finished_preview(users["county_a_staff"], reports["own"]),
                  assess=build_assessments(orgs, users["admin"]))
    world.accountability = accountability_world(world)
    world.import_job = ExportJob.objects.create(  # its file was deleted when it ended
        user=users["county_a_staff"], kind="import_duties", status=ExportJob.Status.DONE, total=101, done=101,
        params={"file": "gone.xlsx", "filename": "责任清单.xlsx", "organization_id": county_a.pk,
                "result": {"items": 101}},
    )
    for persona, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            world.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


def _finished_bundle(user, organization: Organization) -> ExportJob:
    """An evidence bundle marked built, its file written directly (the matrix asks who may open it)."""
    name = f"bundle-{organization.pk}.zip"
    (jobs.exports_dir() / name).write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty ZIP
    return ExportJob.objects.create(user=user, kind="evidence_bundle", status=ExportJob.Status.DONE, total=0,
                                    params={"organization_id": organization.pk, "year": 2026}, file_name=name)


def _finished_preview(user, report: Report) -> ExportJob:
    """A long draft's PDF preview marked rendered, its file written directly (reporting/previews.py)."""
    from reporting import previews

    key = f"{report.pk:064d}"
    (previews.previews_dir() / f"{key}.pdf").write_bytes(_blank_pdf("preview.pdf").read())
    return ExportJob.objects.create(user=user, kind=previews.KIND, status=ExportJob.Status.DONE, total=3, done=3,
                                    params={"report": report.pk, "number": 1, "key": key}, file_name=f"{key}.pdf")


def client_for(world: World, persona: str) -> Client:
    """The persona's client in the persona's session, without cookies from an earlier request (a
    message, a language). One client per persona: a new one would load the middleware again."""
    client = world.clients.setdefault(persona, Client())
    client.cookies = SimpleCookie()
    if world.users[persona] is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    return client


@contextmanager
def rolled_back() -> Iterator[None]:
    """A savepoint rolled back at the end: what a request writes inside is gone for the next one,
    as if each ran in a test of its own."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- checking many cells in one test -------------------------------------------------------------


def text_of(response: HttpResponseBase) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", "replace")


def cells(table: dict) -> Iterator[tuple[str, str | None, int]]:
    """(persona, object or None, expected status) of every cell of a route's table."""
    for persona in PERSONAS:
        if isinstance(table[persona], tuple):
            for obj, expected in zip(OBJECTS, table[persona], strict=True):
                yield persona, obj, expected
        else:
            yield persona, None, table[persona]


class Failures(list):
    """What went wrong in the cells of one test, each line naming persona, method and URL."""

    def check(self, ok: bool, persona: str, method: str, url: str, what: str) -> None:
        if not ok:
            self.append(f"{persona} {method.upper()} {url}: {what}")

    def report(self) -> str:
        return f"{len(self)} cell(s) differ from the matrix:\n" + "\n".join(self)


@contextmanager
def world_built_once(django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The world for a module- or package-scoped fixture: built inside a transaction rolled back at
    the end, its evidence files in a temporary directory (never the repository's var/)."""
    uploads = tmp_path_factory.mktemp("uploads")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=uploads), transaction.atomic():
        world = build_world()
        world.uploads = uploads
        yield world
        transaction.set_rollback(True)
