"""Text encodings of Shapefile DBFs and CSV tables: what a file declares, checked against its bytes.

Chinese offices hand over DBFs and CSVs in GBK (GB2312/GB18030, what Excel and ArcGIS write on
Chinese Windows) or UTF-8, with a ``.cpg`` (or a byte-order mark) that may say the wrong thing: a
``.cpg`` saying GBK on a UTF-8 DBF makes GDAL return mojibake (``党建`` read as ``鍏氬缓``) without
complaint. The bytes settle it, by strict decoding:

* text that is valid UTF-8 and not plain ASCII is UTF-8 — GBK text almost never is, so a declared
  GBK (or Latin-1, …) is wrong when UTF-8 decodes;
* otherwise the declared encoding is used if it decodes every value strictly;
* otherwise GB18030 (the superset of GBK) is tried; if nothing decodes, the caller gets ``None``
  and decides (GDAL's default for a DBF with no ``.cpg``, an error for everything else).

:func:`resolve_encoding` returns the encoding to use and a note whenever it differs from what was
declared, for the reader to report. GB18030 is never preferred over a declared single-byte
encoding: Latin-1 text often decodes as GB18030 too, so that would be a guess, not a proof.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gridmap.vocab import Message

__all__ = ["UTF8", "GB18030", "EncodingChoice", "codec_for_declared", "decodes_strictly", "dbf_text_values",
           "resolve_encoding", "bom_encoding"]

UTF8 = "UTF-8"
GB18030 = "GB18030"

#: Code pages as written in ``.cpg`` files (ESRI writes numbers, e.g. ``936``, ``88591``).
_CODE_PAGES = {
    "65001": UTF8, "936": GB18030, "54936": GB18030, "20936": GB18030, "950": "cp950", "932": "cp932",
    "949": "cp949", "1200": "utf-16-le", "1201": "utf-16-be", "28591": "iso8859-1", "88591": "iso8859-1",
    "88592": "iso8859-2", "88595": "iso8859-5", "88597": "iso8859-7", "885915": "iso8859-15",
}


def codec_for_declared(name: str) -> str | None:
    """The encoding a ``.cpg`` (or a caller) names, as gridmap uses it; ``None`` when unknown.

    Understands ``UTF-8``/``UTF8``, code page numbers with or without ``ANSI``/``OEM``/``CP``
    (``936``, ``ANSI 936``, ``CP936``), ESRI's ``88591``-style names and every codec name Python
    knows (``GBK``, ``GB2312``, ``Big5``, ``ISO-8859-1``…). GBK and GB2312 become GB18030, their
    superset, which decodes the same bytes to the same text.
    """
    text = name.strip().lstrip("\ufeff").upper().replace("_", "-")
    if not text:
        return None
    for prefix in ("ANSI ", "OEM ", "CP", "WINDOWS-", "WINDOWS "):
        if text.startswith(prefix) and text[len(prefix):].strip().isdigit():
            text = text[len(prefix):].strip()
    if text.isdigit():
        if text in _CODE_PAGES:
            return _CODE_PAGES[text]
        text = f"cp{text}"
    try:
        codec = codecs.lookup(text).name
    except LookupError:
        return None
    if codec in ("gbk", "gb2312", "gb18030", "cp936"):
        return GB18030
    return UTF8 if codec == "utf-8" else codec


def decodes_strictly(values: list[bytes], encoding: str) -> bool:
    """Whether every value decodes strictly; a multi-byte character cut at the end of a value (a
    DBF field filled to its width) is allowed, as GDAL allows it."""
    joined = b"\n".join(values)
    try:
        joined.decode(encoding)
        return True
    except UnicodeDecodeError:
        pass
    decoder = codecs.getincrementaldecoder(encoding)
    for value in values:
        try:
            decoder().decode(value, final=False)
        except UnicodeDecodeError:
            return False
    return True


def dbf_text_values(dbf_path: str | os.PathLike) -> list[bytes]:
    """The bytes of every value of every character field of a DBF, right-stripped.

    Read from the field descriptors in the header, so numeric fields, padding and the record
    flags never take part in the encoding test.
    """
    data = Path(dbf_path).read_bytes()
    if len(data) < 32:
        return []
    n_records = int.from_bytes(data[4:8], "little")
    header_len = int.from_bytes(data[8:10], "little")
    record_len = int.from_bytes(data[10:12], "little")
    fields = []
    offset = 1  # the deletion flag
    pos = 32
    while pos + 32 <= min(header_len, len(data)) and data[pos] != 0x0D:
        ftype, length = chr(data[pos + 11]), data[pos + 16]
        if ftype == "C":
            fields.append((offset, length))
        offset += length
        pos += 32
    if not fields or record_len <= 0:
        return []
    body = data[header_len:]
    n_records = min(n_records, len(body) // record_len)
    records = np.frombuffer(body, dtype=np.uint8, count=n_records * record_len).reshape(n_records, record_len)
    values: list[bytes] = []
    for start, length in fields:
        block = records[:, start:start + length]
        values.extend(bytes(row).rstrip(b" \x00") for row in block)
    return values


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark declares (``utf-8-sig``, ``utf-16``, ``utf-32``), or None."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


@dataclass(frozen=True)
class EncodingChoice:
    """The encoding to read with (None: nothing decodes) and, when it is not what was declared, why."""

    encoding: str | None
    note: Message | None = None  # rendered in the user's language where shown


_GBK_TEXT = re.compile(rb"(?:[\x00-\x7f]|[\x81-\xfe][\x40-\x7e\x80-\xfe])*")
_GBK_PAIR = re.compile(rb"[\x81-\xfe][\x40-\x7e\x80-\xfe]")


def _is_gbk_text(values: list[bytes]) -> bool:
    """Whether the bytes read as GBK double-byte characters, most of them (≥ 80 %) from GB2312
    (both bytes 0xA1–0xFE): what Chinese text in GBK looks like. Single-byte Western text does not —
    an accented letter is followed by an ASCII one or a space, never a GB2312 trail byte."""
    for value in values:
        if not _GBK_TEXT.fullmatch(value):
            return False
    pairs = [pair for value in values if not value.isascii() for pair in _GBK_PAIR.findall(value)]
    gb2312 = sum(1 for pair in pairs if pair[0] >= 0xA1 and pair[1] >= 0xA1)
    return bool(pairs) and gb2312 >= 0.8 * len(pairs)


def _label(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8 (with BOM)", "utf-8": UTF8, "gb18030": "GBK/GB18030"}.get(encoding.lower(), encoding)


def resolve_encoding(values: list[bytes], declared: str | None, declared_as: Message | None = None) -> EncodingChoice:
    """Choose the encoding of ``values`` given what the file declares.

    Parameters
    ----------
    values : the text bytes (DBF character values, or a CSV's bytes as one value).
    declared : the encoding declared (``.cpg`` text, BOM or caller), or None when nothing is.
    declared_as : how it was declared, for the note (``Message("val_declared_by_cpg", name=…)``…).

    Returns
    -------
    :class:`EncodingChoice`: ``encoding`` is ``"UTF-8"``, ``"GB18030"``, the declared codec, or
    None when nothing decodes; ``note`` says what differs from the declaration.
    """
    where = declared_as or Message("val_declared_by_file")
    plain = all(v.isascii() for v in values)
    codec = codec_for_declared(declared) if declared else None
    if declared and codec is None:
        if plain:
            return EncodingChoice(UTF8, Message("val_encoding_unknown_name_ascii", where=where, declared=declared))
        for candidate in (UTF8, GB18030):
            if decodes_strictly(values, candidate):
                return EncodingChoice(candidate, Message("val_encoding_unknown_name", where=where, declared=declared,
                                                         label=_label(candidate), codec=candidate))
        return EncodingChoice(None, Message("val_encoding_unknown_name_undecodable", where=where, declared=declared))
    if plain:
        return EncodingChoice(codec or UTF8)
    utf8 = decodes_strictly(values, UTF8)
    if codec is not None and codec.replace("-sig", "").upper() not in (UTF8, "UTF-16", "UTF-32") and utf8:
        return EncodingChoice(UTF8, Message("val_encoding_is_utf8", where=where, label=_label(codec)))
    if codec is not None and codec not in (GB18030, "cp950", "cp932", "cp949") and _is_gbk_text(values):
        return EncodingChoice(GB18030, Message("val_encoding_is_gbk", where=where, label=_label(codec)))
    if codec is not None and decodes_strictly(values, codec):
        return EncodingChoice(codec)
    if codec is None:
        if utf8:
            return EncodingChoice(UTF8)
        if decodes_strictly(values, GB18030):
            return EncodingChoice(GB18030)
        return EncodingChoice(None)
    for candidate in (UTF8, GB18030):
        if candidate != codec and decodes_strictly(values, candidate):
            return EncodingChoice(candidate, Message("val_encoding_decodes_as", where=where, label=_label(codec),
                                                     other=_label(candidate), codec=candidate))
    return EncodingChoice(None, Message("val_encoding_undecodable", where=where, label=_label(codec)))
