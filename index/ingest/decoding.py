"""Bytes to text for corpus files, and the language of a text.

Order of trial: a byte-order mark; ISO-2022-JP when the bytes are 7-bit with its escape
sequences (they are valid UTF-8 too); UTF-8, strictly; Shift_JIS (CP932) and EUC-JP, strictly,
kept only when the result reads as Japanese (kana among the characters, not a run of stray
kanji, which is what Latin-1 text looks like through CP932); Windows-1252 for mostly-ASCII text
with a few accents or curly quotes; Japanese again for kanji-only text; and only then
charset-normalizer's best guess. A result with control characters is refused as binary.

Newlines are normalised to ``"\\n"`` (``"\\r\\n"`` and ``"\\r"`` alike): the decoded text is the
file's text in that form, and ``Document.text`` is a verbatim substring of it.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

_JA_CODECS = ("cp932", "euc_jp", "shift_jis_2004", "euc_jis_2004")
_ISO2022 = ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ISO2022_ESC = re.compile(rb"\x1b(?:\$[@B(]|\([BJI])")
_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30ff]")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_HALF_KANA = re.compile(r"[\uff61-\uff9f]")


MAX_JUNK_SHARE = 0.01  # more control characters than this: a binary file, not a text


class NotText(ValueError):
    """The bytes are not a readable text; the message says why."""


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def junk_share(text: str) -> float:
    """The share of characters no text contains: control characters, U+FFFD, private use."""
    junk = 0
    for ch in text:
        if ch in "\t\n\r\f\v":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Co", "Cs") or ch == "\ufffd":
            junk += 1
    return junk / max(len(text), 1)


def _japanese_score(text: str, need_kana: bool) -> float | None:
    """How well a decoding reads as Japanese; None when it does not at all."""
    non_ascii = sum(1 for ch in text if ord(ch) > 0x7F)
    kana = len(_KANA.findall(text))
    if non_ascii == 0 or (need_kana and kana == 0):
        return None
    kanji = len(_KANJI.findall(text))
    half = len(_HALF_KANA.findall(text))
    good = kana + kanji + sum(1 for ch in text if 0x3000 <= ord(ch) <= 0x303F or ch in "（）：")
    if good < 0.8 * non_ascii:
        return None
    return (kana + kanji - 4 * half) / non_ascii


def _japanese(data: bytes, need_kana: bool) -> tuple[str, str] | None:
    """The Japanese codec under which the bytes read best as Japanese, if any."""
    scored: list[tuple[float, int, str, str]] = []
    for codec in _JA_CODECS:
        text = _strict(data, codec)
        score = _japanese_score(text, need_kana) if text is not None else None
        if text is not None and score is not None:
            scored.append((score, -len(scored), text, codec))
    if not scored:
        return None
    _, _, text, codec = max(scored)
    return text, codec


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(data: bytes) -> tuple[str, str] | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            return (text, codec) if text is not None else None
    if b"\x00" in data[:8192]:
        return None
    if _ISO2022_ESC.search(data) and max(data) < 0x80:  # 7-bit: valid UTF-8 too, so first
        for codec in _ISO2022:
            text = _strict(data, codec)
            if text is not None:
                return text, codec
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    found = _japanese(data, need_kana=True)
    if found is not None:
        return found
    text = _strict(data, "cp1252")
    if text is not None and sum(1 for ch in text if ord(ch) > 0x7F) < 0.3 * len(text):
        # English with a few curly quotes or accents: Windows' Western code page, which
        # charset-normalizer, on so few telling bytes, often takes for a Baltic or Cyrillic one
        return text, "cp1252"
    found = _japanese(data, need_kana=False)  # a kanji-only line: 「日米拡大抑止協議」
    if found is not None:
        return found
    from charset_normalizer import from_bytes  # only for the rare file nothing above reads

    best = from_bytes(data).best()
    return (str(best), best.encoding) if best is not None else None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a corpus file.

    Returns:
        ``(text, encoding)`` with newlines normalised to ``"\\n"``.

    Raises:
        NotText: the file is empty, binary or in no encoding that gives readable text.
    """
    if not data.strip():
        raise NotText("empty file")
    guess = _guess(data)
    if guess is None:
        raise NotText("binary or undecodable content (not text in any known encoding)")
    text, encoding = guess
    if junk_share(text) > MAX_JUNK_SHARE:
        raise NotText(f"binary content (control characters after decoding as {encoding})")
    text = _normalise_newlines(text)
    if not text.strip():
        raise NotText("no text (only white space)")
    return text, encoding


def html_charset(data: bytes) -> str | None:
    """The charset an HTML file declares in its first bytes (``<meta charset>``), if any."""
    m = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", data[:4096], re.I)
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    if name in ("shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "ms932"):
        name = "cp932"  # what Japanese sites labelled Shift_JIS actually use
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
