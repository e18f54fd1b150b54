"""python manage.py prepare_fonts — prepare the configured PDF faces now rather than on the first rendering."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from reporting import fonts
from reporting.pdf import configured_fonts


class Command(BaseCommand):
    help = "Prepare the faces of ZEREN_PDF_FONTS once (reporting/fonts.py) into ZEREN_FONT_CACHE_DIR."

    def handle(self, *args, **options):
        say = self.stdout.write if options["verbosity"] > 0 else (lambda line: None)
        start = time.perf_counter()
        before = fonts.preparations
        for role, face in fonts.prepared_faces(configured_fonts()).items():
            where = face.common.parent if face is not None else "— not installed"
            say(f"{role}: {where}")
        made = fonts.preparations - before
        say(f"{made} face(s) prepared, the others found in the cache ({time.perf_counter() - start:.1f} s)")
