"""The text encoding of a CSV file: UTF-8 (with or without a mark), UTF-16, GB18030."""

from __future__ import annotations

import codecs

from .files import file_error


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` decodes as ``encoding``, checked in chunks to spare memory."""
    decoder = codecs.getincrementaldecoder(encoding)()
    step = 4 * 1024 * 1024
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start:start + step], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when the bytes look like UTF-16 text without a BOM.

    Text that is mostly ASCII (headers, digits, dates, separators) has a NUL in
    every other byte in UTF-16; UTF-8 and GBK text almost never has NULs.
    """
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for encoding, nuls, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls >= 0.3 * half and other <= 0.05 * half:
            try:
                data[: len(data) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                continue
            return encoding
    return None


def detect(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text" export
    utf16 = utf16_without_bom(data)
    if utf16:
        return utf16
    for encoding in ("utf-8", "gb18030"):
        if _decodes(data, encoding):
            return encoding
    raise file_error("unreadable_encoding", name, tried="utf-8, gb18030 (gbk)")


def detect_encoding(data: bytes) -> str:
    """The text encoding of a CSV file's bytes.

    Parameters
    ----------
    data : the raw bytes.

    Returns
    -------
    ``"utf-8-sig"`` when the data starts with a UTF-8 byte-order mark (``"utf-16"``
    for a UTF-16 mark), ``"utf-16-le"`` / ``"utf-16-be"`` for UTF-16 text without
    a mark (NUL in every other byte), ``"utf-8"`` when it decodes as UTF-8, else
    ``"gb18030"`` (a superset of GBK and GB2312) when it decodes as that.

    Raises
    ------
    DataError
        ``unreadable_encoding`` when none of these fit.
    """
    return detect(data, "")
