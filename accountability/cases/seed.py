"""Load the catalogue (accountability.catalogue) into the Circumstance and Measure tables.

Called by the data migration (with the historical models) and by tests after a flush; idempotent:
rows that exist (by code) are left as an administrator may have edited them."""

from __future__ import annotations

from accountability.catalogue import CIRCUMSTANCES, MEASURE_CATEGORIES, MEASURES


def load_catalogue(Circumstance=None, Measure=None) -> tuple[int, int]:
    """Insert the missing circumstances and measures; returns how many of each were added."""
    if Circumstance is None or Measure is None:
        from accountability.models import Circumstance, Measure
    have = set(Circumstance.objects.values_list("code", flat=True))
    circumstances = [
        Circumstance(code=c["code"], list=c["list"], number=c["number"], text=c["text"], citation=c["citation"])
        for c in CIRCUMSTANCES if c["code"] not in have
    ]
    Circumstance.objects.bulk_create(circumstances)
    have = set(Measure.objects.values_list("code", flat=True))
    measures = [
        Measure(code=m["code"], name=m["name"], category=MEASURE_CATEGORIES.get(m["category"], m["category"]),
                severity=m["severity"], citation=m["citation"])
        for m in MEASURES if m["code"] not in have
    ]
    Measure.objects.bulk_create(measures)
    return len(circumstances), len(measures)
