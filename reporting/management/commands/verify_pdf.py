"""`python manage.py verify_pdf FILE`: is FILE byte-identical to a document signed in Zeren?

Prints the answer in Chinese; the exit code says it too (0 genuine, 1 not), so scripts can
check a folder of received files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.verify import selectors

CHUNK = 1024 * 1024


def _chunks(path: Path):
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


class Command(BaseCommand):
    help = "验证 PDF 文件是否与本系统签发的报告逐字节一致（一致时退出码为 0，否则为 1）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要验证的 PDF 文件路径")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在或不是普通文件：{file}")
        version = selectors.signed_version_of_file(_chunks(path))
        if version is None:
            self.stdout.write(f"验证未通过：{path.name} 不是本系统签发的文件或文件已被改动。")
            sys.exit(1)
        self.stdout.write(f"验证通过：{path.name} 与本系统签发的文件逐字节一致。")
        # The command runs on the server: whoever can run it may see every detail.
        for label, value in selectors.verification_lines(version, detailed=True):
            self.stdout.write(f"{label}：{value}")
