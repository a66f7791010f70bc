"""Text utilities: normalisation for matching, language detection, sentence spans.

Everything here works on offsets into the original text, so callers can always cut the
verbatim source back out.
"""

from __future__ import annotations

import re
import unicodedata

_JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")

# English abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st gen lt col maj capt cmdr adm sgt rep sen gov amb pres
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    no nos vol pp fig inc ltd co corp dept est approx vs etc al e.g i.e u.s u.k u.n
    """.split()
)

_JA_TERMINATORS = "。！？!?"
_CLOSERS = "」』）)】〕\"'”’"
_OPENERS = {"「": "」", "『": "』", "（": "）", "(": ")"}


def normalize(text: str) -> str:
    """NFKC and lower case: the form used for matching, never for quoting."""
    return unicodedata.normalize("NFKC", text).lower()


def detect_lang(text: str) -> str:
    """Return ``"ja"`` when the text is mostly Japanese, else ``"en"``."""
    ja = len(_JA_CHAR.findall(text))
    latin = len(_LATIN.findall(text))
    if ja == 0:
        return "en"
    # Japanese text uses about one character per word, English about five letters.
    return "ja" if ja * 4 >= latin else "en"


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``text[dot]`` closes an abbreviation or an initial."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS or word.rstrip(".") in _ABBREVIATIONS:
        return True
    # single letters and dotted initials: "J.", "U.S", "D.C"
    return len(word.replace(".", "")) <= 2 and (len(word) == 1 or "." in word)


def _english_break(text: str, i: int) -> bool:
    """Whether the terminator at ``text[i]`` ends an English sentence."""
    nxt = i + 1
    while nxt < len(text) and text[nxt] in _CLOSERS:
        nxt += 1
    if nxt < len(text) and not text[nxt].isspace():
        return False  # "3.5", "U.S.-Japan", "example.com"
    line_start = text.rfind("\n", 0, i) + 1
    if len(text[line_start:i].strip()) <= 3 and text[line_start:i].strip().isalnum():
        return False  # a list marker: "1. ", "(a). ", "iv. "
    j = nxt
    while j < len(text) and text[j] in " \t":
        j += 1
    if j >= len(text) or text[j] == "\n":
        return True
    if text[i] == "." and _is_abbreviation(text, i):
        # "Dec. 10" or "Mr. Kumagai": an abbreviation followed by a capital usually is not an
        # end; "... the U.S. The ..." is ambiguous, and keeping it together is the safer error.
        return False
    return text[j].isupper() or text[j].isdigit() or text[j] in "\"“'(「"


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences; returns stripped ``(start, end)`` spans.

    Breaks at line breaks, at Japanese terminators (outside 「」 and （）), and at English
    ``.``/``!``/``?`` followed by space and a capital, except after abbreviations
    (``U.S.``, ``Dec.``, ``Mr.``) and initials.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    seg_start = start
    depth: list[str] = []

    def emit(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))

    i = start
    while i < end:
        ch = text[i]
        if ch == "\n":
            emit(seg_start, i)
            seg_start = i + 1
            depth.clear()
        elif ch in _OPENERS:
            depth.append(_OPENERS[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
        elif ch in _JA_TERMINATORS or ch == ".":
            is_ja = ch in "。！？" or (i > 0 and _JA_CHAR.match(text[i - 1]) is not None)
            if is_ja and ch != ".":
                if not depth or len(depth) > 3:
                    j = i + 1
                    while j < end and text[j] in _CLOSERS:
                        j += 1
                    emit(seg_start, j)
                    seg_start = j
                    i = j
                    continue
            elif _english_break(text[:end], i):
                j = i + 1
                while j < end and text[j] in _CLOSERS:
                    j += 1
                emit(seg_start, j)
                seg_start = j
                depth.clear()
                i = j
                continue
        i += 1
    emit(seg_start, end)
    return spans


def split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut an over-long span at clause boundaries (、, ; , ) so each piece fits ``max_chars``."""
    if end - start <= max_chars:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    a = start
    while end - a > max_chars:
        window = text[a : a + max_chars]
        cut = max(window.rfind(sep) for sep in ("、", "，", "; ", ", ", "；", " "))
        b = a + cut + 1 if cut > max_chars // 3 else a + max_chars
        pieces.append((a, b))
        a = b
        while a < end and text[a].isspace():
            a += 1
    if a < end:
        pieces.append((a, end))
    return pieces
