"""Celery tasks of the reporting app: thin wrappers around services.

`render_pdf_task` is the bulk path of the one PDF renderer: it takes a `Document` as a
JSON-able payload (so a worker needs no database row to render, e.g. for a region's batch
of previews) and returns the size and SHA-256 of the PDF it rendered.
"""

from __future__ import annotations

import datetime
import hashlib

from celery import shared_task

from reporting.document import Block, Document, Level
from reporting.ledgers import services as ledgers

DATE_FIELDS = ("date", "printed_on")


def document_to_payload(document: Document) -> dict:
    """A `Document` as plain JSON types: dates as ISO strings, blocks as [level, text] pairs."""
    payload = {
        "issuer_mark": document.issuer_mark,
        "number": document.number,
        "upward": document.upward,
        "signer": document.signer,
        "title": document.title,
        "addressee": document.addressee,
        "blocks": [[int(block.level), block.text] for block in document.blocks],
        "attachments": list(document.attachments),
        "signing_organ": document.signing_organ,
        "copy_to": document.copy_to,
        "printer": document.printer,
        "delegation_note": document.delegation_note,
        "draft": document.draft,
        "extra": dict(document.extra),
    }
    for name in DATE_FIELDS:
        day = getattr(document, name)
        payload[name] = day.isoformat() if day else None
    return payload


def document_from_payload(payload: dict) -> Document:
    fields = dict(payload)
    fields["blocks"] = tuple(Block(level=Level(level), text=str(text)) for level, text in payload["blocks"])
    fields["attachments"] = tuple(payload.get("attachments", ()))
    for name in DATE_FIELDS:
        value = payload.get(name)
        fields[name] = datetime.date.fromisoformat(value) if value else None
    return Document(**fields)


@shared_task(name="reporting.render_pdf")
def render_pdf_task(payload: dict) -> dict:
    from reporting.pdf import render_pdf

    pdf = render_pdf(document_from_payload(payload))
    return {"bytes": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest()}


@shared_task(name="reporting.export_ledger", bind=True)
def export_ledger(self, job_id: int) -> None:
    # Redelivered: the worker that had this task died before acknowledging it (late ack).
    ledgers.export_run(job_id=job_id, redelivered=bool((self.request.delivery_info or {}).get("redelivered")))


@shared_task(name="reporting.render_report_preview")
def render_report_preview(job_id: int) -> None:
    from reporting import previews

    previews.preview_run(job_id=job_id)
