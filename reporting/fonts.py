"""The faces of the GB/T 9704 PDFs, prepared once per deployment, and the check that every character
of a document is printed with a real glyph (issue #10 §5, §7).

A configured face (settings.ZEREN_PDF_FONTS, a fontconfig family or a font file) is *prepared* once:
HarfBuzz reads it out of its collection (.ttc), finds the code points whose glyph is empty (a blank
outline: some CJK fonts map rare characters such as 䶮 U+4DAE to one, so no fallback happens) and
writes two stand-alone files under `settings.ZEREN_FONT_CACHE_DIR`, in a folder named after the
SHA-256 of the source file and its face index:

- `common.otf`: only the characters documents use (ASCII, GB 2312 — its symbols and its 6763 hanzi —
  and the CJK punctuation), which WeasyPrint subsets in a few milliseconds per document;
- `full.otf`: every character the face really draws, the fallback for everything else.

Neither maps a code point to an empty glyph, so fontconfig falls back to the next face of the
role's list (reporting.pdf.font_css), which names every configured face. `require_printable`
refuses a document with a character that no configured face draws.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, fields
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CACHE_VERSION = "1"
# CSS weight → fontconfig weight (FC_WEIGHT_REGULAR 80, MEDIUM 100, BOLD 200, BLACK 210).
FONTCONFIG_WEIGHT = {400: 80, 500: 100, 700: 200, 900: 210}

# How many faces this process prepared (read from a source font) rather than found in the cache.
preparations = 0
_lock = threading.Lock()


def gb2312_hanzi() -> str:
    """GB 2312's 6763 hanzi (GB 18030 level 1 and level 2): rows 16–55 and 56–87 of the codec."""
    return "".join(_gb2312_rows(16, 87))


def _gb2312_rows(first: int, last: int) -> list[str]:
    chars = []
    for row in range(first, last + 1):
        for cell in range(1, 95):
            try:
                chars.append(bytes((0xA0 + row, 0xA0 + cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


@functools.cache
def common_code_points() -> frozenset[int]:
    """The characters documents use: ASCII, all of GB 2312, general and CJK punctuation, full-width forms."""
    points = set(range(0x20, 0x7F))
    points |= {ord(ch) for ch in _gb2312_rows(1, 87)}
    points |= set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    return frozenset(points)


def invisible(ch: str) -> bool:
    """Characters that are blank by nature (spaces, controls, format marks): never a missing glyph."""
    return ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp", "Cc", "Cf") or ch in "\u115f\u1160\u3164\uffa0"


# --- HarfBuzz ---------------------------------------------------------------------------------------


@functools.cache
def _hb():
    import cffi

    ffi = cffi.FFI()
    ffi.cdef("""
        typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t;
        typedef struct hb_font_t hb_font_t; typedef struct hb_set_t hb_set_t;
        typedef struct hb_subset_input_t hb_subset_input_t;
        typedef struct { int32_t x_bearing; int32_t y_bearing; int32_t width; int32_t height; } hb_glyph_extents_t;
        hb_blob_t *hb_blob_create_from_file_or_fail (const char *file_name);
        void hb_blob_destroy (hb_blob_t *blob);
        const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
        hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
        void hb_face_destroy (hb_face_t *face);
        hb_blob_t *hb_face_reference_blob (hb_face_t *face);
        void hb_face_collect_unicodes (hb_face_t *face, hb_set_t *out);
        hb_font_t *hb_font_create (hb_face_t *face);
        void hb_font_destroy (hb_font_t *font);
        int hb_font_get_nominal_glyph (hb_font_t *font, uint32_t unicode, uint32_t *glyph);
        int hb_font_get_glyph_extents (hb_font_t *font, uint32_t glyph, hb_glyph_extents_t *extents);
        hb_set_t *hb_set_create (void);
        void hb_set_destroy (hb_set_t *set);
        void hb_set_add (hb_set_t *set, uint32_t codepoint);
        int hb_set_next (const hb_set_t *set, uint32_t *codepoint);
        hb_subset_input_t *hb_subset_input_create_or_fail (void);
        void hb_subset_input_destroy (hb_subset_input_t *input);
        hb_set_t *hb_subset_input_unicode_set (hb_subset_input_t *input);
        hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
    """)
    return ffi, ffi.dlopen("harfbuzz"), ffi.dlopen("harfbuzz-subset")


class _Face:
    """A HarfBuzz face of one file (and face index), closed with `close()`."""

    def __init__(self, path: Path, index: int):
        self.ffi, self.hb, self.subsetter = _hb()
        self.blob = self.hb.hb_blob_create_from_file_or_fail(str(path).encode())
        if self.blob == self.ffi.NULL:
            raise OSError(f"cannot read font file {path}")
        self.face = self.hb.hb_face_create(self.blob, index)
        self.font = self.hb.hb_font_create(self.face)

    def close(self) -> None:
        self.hb.hb_font_destroy(self.font)
        self.hb.hb_face_destroy(self.face)
        self.hb.hb_blob_destroy(self.blob)

    def code_points(self) -> list[int]:
        found = self.hb.hb_set_create()
        try:
            self.hb.hb_face_collect_unicodes(self.face, found)
            points, cursor = [], self.ffi.new("uint32_t *", 0xFFFFFFFF)  # HB_SET_VALUE_INVALID
            while self.hb.hb_set_next(found, cursor):
                points.append(cursor[0])
            return points
        finally:
            self.hb.hb_set_destroy(found)

    def inked(self, points: list[int]) -> list[int]:
        """Those of `points` mapped to a glyph with an outline (non-zero extents)."""
        glyph = self.ffi.new("uint32_t *")
        extents = self.ffi.new("hb_glyph_extents_t *")
        result = []
        for point in points:
            if not self.hb.hb_font_get_nominal_glyph(self.font, point, glyph):
                continue
            if self.hb.hb_font_get_glyph_extents(self.font, glyph[0], extents) and extents.width and extents.height:
                result.append(point)
        return result

    def subset(self, points: list[int]) -> bytes:
        request = self.subsetter.hb_subset_input_create_or_fail()
        try:
            unicodes = self.subsetter.hb_subset_input_unicode_set(request)
            for point in points:
                self.hb.hb_set_add(unicodes, point)
            face = self.subsetter.hb_subset_or_fail(self.face, request)
            if face == self.ffi.NULL:
                raise OSError("HarfBuzz could not subset the font")
            blob = self.hb.hb_face_reference_blob(face)
            length = self.ffi.new("unsigned int *")
            data = bytes(self.ffi.unpack(self.hb.hb_blob_get_data(blob, length), length[0]))
            self.hb.hb_blob_destroy(blob)
            self.hb.hb_face_destroy(face)
            return data
        finally:
            self.subsetter.hb_subset_input_destroy(request)


# --- sources and prepared faces ----------------------------------------------------------------------


@dataclass(frozen=True)
class FaceSource:
    """Where a configured face lives: a font file and the face's index in it (collections hold several)."""

    path: Path
    index: int


def face_source(font) -> FaceSource | None:
    """The file of a configured `reporting.pdf.PdfFont`; None when it is not installed (or no fc-list)."""
    if font.path is not None:
        return FaceSource(font.path, 0) if font.path.is_file() else None
    want = FONTCONFIG_WEIGHT.get(font.weight, 80)
    candidates = [face for face in _installed_faces() if font.family.lower() in face[2]]
    if not candidates:
        return None
    path, index, _families, _weight = min(candidates, key=lambda face: (abs(face[3] - want), face[0], face[1]))
    return FaceSource(Path(path), index)


@functools.cache
def _installed_faces() -> list[tuple[str, int, set[str], int]]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        output = subprocess.run(  # noqa: S603  (a fixed command line, no input from outside)
            [fc_list, "--format", "%{file}|%{index}|%{family}|%{weight}\n"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    faces = []
    for line in output.splitlines():
        parts = line.split("|")
        if len(parts) != 4 or not parts[1].isdigit():
            continue
        weights = [int(float(w)) for w in parts[3].strip("[]").split() if w.replace(".", "").isdigit()] or [80]
        faces.append((parts[0], int(parts[1]), {name.strip().lower() for name in parts[2].split(",")}, max(weights)))
    return faces


@dataclass(frozen=True)
class PreparedFace:
    source: FaceSource
    common: Path  # the characters documents use
    full: Path  # every character the face really draws
    inked: frozenset[int]  # code points with a real glyph


def cache_dir() -> Path:
    return Path(getattr(settings, "ZEREN_FONT_CACHE_DIR", None) or Path(settings.VAR_DIR) / "fonts")


@functools.cache
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_prepared: dict[tuple, PreparedFace] = {}


def prepare(source: FaceSource) -> PreparedFace:
    """The prepared files of a face: read from the cache, or made once and cached (see the module).

    The cache folder is named after the source file's SHA-256, the face index and CACHE_VERSION,
    so a changed font file or a new preparation rule makes a new folder. Raises OSError when the
    source cannot be read as a font.
    """
    stat = source.path.stat()
    memo = (source, stat.st_size, stat.st_mtime_ns, str(cache_dir()))
    with _lock:
        if memo in _prepared:
            return _prepared[memo]
        key = hashlib.sha256(
            f"{CACHE_VERSION}|{_file_digest(source.path, stat.st_size, stat.st_mtime_ns)}|{source.index}".encode()
        ).hexdigest()[:32]
        folder = cache_dir() / key
        if not (folder / "meta.json").is_file():
            _prepare_into(source, folder)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        prepared = PreparedFace(source, folder / "common.otf", folder / "full.otf", frozenset(meta["inked"]))
        _prepared[memo] = prepared
        return prepared


def _prepare_into(source: FaceSource, folder: Path) -> None:
    global preparations
    face = _Face(source.path, source.index)
    try:
        points = face.code_points()
        inked = face.inked(points)
        keep = sorted(set(inked) | {p for p in points if invisible(chr(p))})
        common = [p for p in keep if p in common_code_points()]
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".preparing-", dir=folder.parent))
        (work / "common.otf").write_bytes(face.subset(common))
        (work / "full.otf").write_bytes(face.subset(keep))
        (work / "meta.json").write_text(json.dumps({
            "source": str(source.path), "index": source.index, "inked": inked,
            "empty": sorted(set(points) - set(keep)),
        }), encoding="utf-8")
    finally:
        face.close()
    try:
        work.chmod(0o755)
        os.replace(work, folder)  # atomic: another process may have prepared it meanwhile
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
    preparations += 1
    logger.info("prepared font %s#%s into %s", source.path, source.index, folder)


def prepared_faces(fonts) -> dict[str, PreparedFace | None]:
    """Role → its prepared face (None when the face cannot be found or read)."""
    result = {}
    for role, font in fonts.items():
        source = face_source(font)
        try:
            result[role] = prepare(source) if source is not None else None
        except OSError:
            logger.warning("font of role %s cannot be prepared: %s", role, source)
            result[role] = None
    return result


def glyph_problems(source: FaceSource, chars: str) -> tuple[list[str], list[str]]:
    """(empty, missing): the characters of `chars` the face maps to an empty outline, and those it lacks."""
    face = _Face(source.path, source.index)
    try:
        glyph = face.ffi.new("uint32_t *")
        inked = set(face.inked([ord(ch) for ch in chars]))
        empty, missing = [], []
        for ch in chars:
            if ord(ch) in inked:
                continue
            has = face.hb.hb_font_get_nominal_glyph(face.font, ord(ch), glyph)
            (empty if has else missing).append(ch)
        return empty, missing
    finally:
        face.close()


# --- the signing check -------------------------------------------------------------------------------


def document_text(document) -> str:
    """Every piece of text a `reporting.document.Document` prints."""
    parts = []
    for field in fields(document):
        value = getattr(document, field.name)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, tuple):
            parts.extend(getattr(item, "text", item) for item in value if isinstance(getattr(item, "text", item), str))
    return "".join(parts)


def unprintable(text: str, fonts=None) -> list[str]:
    """The characters of `text`, in order of first appearance, that no configured face draws."""
    from reporting.pdf import configured_fonts

    faces = [face for face in prepared_faces(fonts or configured_fonts()).values() if face is not None]
    if not faces:
        return []  # no face could be prepared: the system check reports it, nothing to compare with
    seen, result = set(), []
    for ch in text:
        if ch in seen or invisible(ch):
            continue
        seen.add(ch)
        if not any(ord(ch) in face.inked for face in faces):
            result.append(ch)
    return result


def require_printable(document) -> None:
    """Refuse to sign a document with a character that no configured font draws (issue #10 §5).

    Raises ValidationError naming each such character and its code point; returns None otherwise.
    """
    missing = unprintable(document_text(document))
    if missing:
        raise ValidationError([
            _("“%(char)s”（U+%(code)04X）在公文所用的字体中都没有字形，打印出来会是空白，不能签发。"
              "请改用其他写法，或请管理员在 ZEREN_PDF_FONTS 中配置含有此字的字体。") % {"char": ch, "code": ord(ch)}
            for ch in missing
        ])


# --- serving the prepared files to WeasyPrint -------------------------------------------------------


def served_name(face: PreparedFace, part: str) -> str:
    """The name under which the PDF URL fetcher serves a prepared file: `prepared/<folder>/<part>`."""
    return f"prepared/{face.common.parent.name}/{part}"


def served_file(name: str) -> Path | None:
    """The prepared file `served_name` named, if this process prepared or loaded it; else None."""
    parts = name.split("/")
    if len(parts) != 3 or parts[0] != "prepared" or parts[2] not in ("common", "full"):
        return None
    folder = cache_dir() / parts[1]
    for face in list(_prepared.values()):
        if face.common.parent == folder:
            return face.common if parts[2] == "common" else face.full
    return None
