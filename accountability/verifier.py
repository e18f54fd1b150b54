"""The offline verifier of an exported accountability log, in the Python standard library only:

    python -m accountability.verifier FILE.jsonl [--anchor SEQ:HASH]

For an inspector's machine without the application: copy this file and responsibilities/chain.py
(keeping their folders, with empty __init__.py files) and run it. Prints what `manage.py verify_log`
prints: "OK <count> entries, head <hash>" and exit 0, or "BROKEN at #<seq>: <reason>" and exit 1
(2 for a file that cannot be read or a malformed anchor). `--anchor` checks the head printed on a
signed document (日志 #SEQ, its hash in full) against the file.
"""

from __future__ import annotations

import argparse
import sys

from responsibilities import chain


def _anchor(text: str) -> tuple[int, str]:
    try:
        return chain.parse_anchor(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accountability.verifier", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="export_log 导出的 .jsonl 文件")
    parser.add_argument("--anchor", type=_anchor, metavar="SEQ:HASH", help="签发文件上印的存证锚点")
    args = parser.parse_args(argv)
    try:
        with open(args.file, encoding="utf-8") as lines:
            verdict = chain.verify(chain.read_jsonl(lines), anchor=args.anchor)
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    if verdict.ok:
        print(verdict.line())
        if args.anchor:
            print(f"anchor #{args.anchor[0]} matches")
        return 0
    print(verdict.line(), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
