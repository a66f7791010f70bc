"""Core results as Discord messages: within the platform's limits, in the asker's language.

Mostly plain functions over ``index.schema`` data; only ``send_replies`` and ``reply_to``
talk to Discord, always with allowed mentions = none. Other cogs reuse ``Reply``, ``pack``,
``split_content``, ``trim``, ``t`` and the two senders.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot.crosslingual import reader_lines
from bot.texts import TEXT, decline_lines, t  # t is used by the cogs and errors through render
from index.schema import Answer, Document, Hit
from index.text import detect_lang

if TYPE_CHECKING:
    from index.store import IndexInfo
    from index.store.build import BuildProgress, BuildReport

log = logging.getLogger(__name__)

# Discord's limits: over any of them the API answers 400 and the user sees nothing.
CONTENT_LIMIT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FOOTER_LIMIT = 2048
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
EMBED_TOTAL_LIMIT = 6000

# Characters of release text shown per passage at most (the core's passages are shorter); five
# passages then fit in one message.
PASSAGE_CHARS = 800
ELLIPSIS = "…"

NO_MENTIONS = discord.AllowedMentions.none()


def asker_lang(text: str, locale: str | None = None) -> str:
    """ "ja" or "en" for the framing text: the question's script, else the Discord locale."""
    if any(c.isalpha() for c in text):
        return detect_lang(text)
    return "ja" if (locale or "").startswith("ja") else "en"


# -- lengths and cuts ----------------------------------------------------------------------------


def dlen(text: str) -> int:
    """Length as Discord counts it, reading the limit strictly: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _joins_previous(ch: str) -> bool:
    # combining marks, variation selectors, joiners: a cut before them would split a character
    return (
        unicodedata.combining(ch) != 0
        or unicodedata.category(ch) in ("Mn", "Me", "Mc", "Sk")
        or "\ufe00" <= ch <= "\ufe0f"
        or ch in "\u200d\u20e3"
        or "\U000e0100" <= ch <= "\U000e01ef"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
    )


def _regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def safe_cut(text: str, pos: int) -> int:
    """The nearest position at or before ``pos`` that does not split a character."""
    pos = max(0, min(pos, len(text)))
    while 0 < pos < len(text):
        if _joins_previous(text[pos]) or text[pos - 1] == "\u200d":
            pos -= 1
        elif _regional(text[pos]) and _regional(text[pos - 1]):
            # flags are pairs of regional indicators: never cut inside a pair
            run = 0
            while pos - run > 0 and _regional(text[pos - run - 1]):
                run += 1
            if run % 2 == 0:
                break
            pos -= 1
        else:
            break
    return pos


def _prefix_within(text: str, limit: int) -> int:
    """Largest safe cut position whose prefix fits ``limit`` Discord characters."""
    if dlen(text) <= limit:
        return len(text)
    pos = min(len(text), limit)
    while pos > 0 and dlen(text[:pos]) > limit:
        pos -= 1
    return safe_cut(text, pos)


def trim(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` Discord characters, with an ellipsis when cut."""
    if dlen(text) <= limit:
        return text
    return text[: _prefix_within(text, limit - 1)].rstrip() + ELLIPSIS


def split_content(text: str, limit: int = CONTENT_LIMIT) -> list[str]:
    """``text`` as message contents of at most ``limit``, split at lines, then spaces."""
    pieces: list[str] = []
    rest = text
    while dlen(rest) > limit:
        head = _prefix_within(rest, limit)
        cut = rest.rfind("\n", 0, head + 1)
        if cut <= limit // 4:
            cut = rest.rfind(" ", 0, head + 1)
        if cut <= limit // 4:
            cut = head
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    if rest.strip():
        pieces.append(rest)
    return [p for p in pieces if p.strip()]


# -- messages ------------------------------------------------------------------------------------


@dataclass
class Reply:
    """One Discord message: content, embeds and files, already within the limits."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)
    files: list[discord.File] = field(default_factory=list)


def embed_size(embed: discord.Embed) -> int:
    size = dlen(embed.title or "") + dlen(embed.description or "")
    size += dlen(embed.footer.text or "") + dlen(embed.author.name or "")
    size += sum(dlen(f.name or "") + dlen(f.value or "") for f in embed.fields)
    return size


def pack(content: str, embeds: list[discord.Embed]) -> list[Reply]:
    """Content split into messages, then the embeds in as few messages as the limits allow."""
    replies = [Reply(piece) for piece in split_content(content)] or [Reply()]
    last = replies[-1]
    total = 0
    for embed in embeds:
        size = embed_size(embed)
        if last.embeds and (
            len(last.embeds) >= EMBEDS_PER_MESSAGE or total + size > EMBED_TOTAL_LIMIT
        ):
            last = Reply()
            replies.append(last)
            total = 0
        last.embeds.append(embed)
        total += size
    return [r for r in replies if r.content or r.embeds]


async def send_replies(
    interaction: discord.Interaction,
    replies: list[Reply],
    *,
    ephemeral: bool,
    view: discord.ui.View | None = None,
) -> None:
    """Fill the deferred response with the first reply; send the rest as followups; ``view``
    (buttons) goes under the last."""
    first, *rest = replies
    await interaction.edit_original_response(
        content=first.content or None,
        embeds=first.embeds,
        attachments=first.files or discord.utils.MISSING,
        allowed_mentions=NO_MENTIONS,
        view=view if view is not None and not rest else discord.utils.MISSING,
    )
    for i, reply in enumerate(rest, start=1):
        await interaction.followup.send(
            content=reply.content or discord.utils.MISSING,
            embeds=reply.embeds or discord.utils.MISSING,
            files=reply.files or discord.utils.MISSING,
            ephemeral=ephemeral,
            allowed_mentions=NO_MENTIONS,
            view=view if view is not None and i == len(rest) else discord.utils.MISSING,
        )


async def reply_to(
    message: discord.Message,
    replies: list[Reply],
    *,
    first: discord.Message | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Answer ``message`` with a reply (or by editing ``first``), the rest in the channel;
    ``view`` (buttons) goes under the last."""
    head, *rest = replies
    last = view if not rest else None
    if first is not None:
        await first.edit(
            content=head.content or None,
            embeds=head.embeds,
            allowed_mentions=NO_MENTIONS,
            view=last,
        )
    else:
        await message.reply(
            content=head.content or None,
            embeds=head.embeds,
            mention_author=False,
            allowed_mentions=NO_MENTIONS,
            view=last,  # type: ignore[arg-type]
        )
    for i, reply in enumerate(rest, start=1):
        await message.channel.send(
            content=reply.content or None,
            embeds=reply.embeds,
            allowed_mentions=NO_MENTIONS,
            view=view if i == len(rest) else None,  # type: ignore[arg-type]
        )


# -- answers -------------------------------------------------------------------------------------


def excerpt(hit: Hit, budget: int = PASSAGE_CHARS) -> str:
    """The passage as a blockquote, the answering sentence in bold, trimmed around it.

    The text is the release's own, escaped so Discord shows it verbatim (blank lines left
    out); cuts never split a character, and an ellipsis marks where the passage goes on.
    """
    text = hit.doc.text
    qs, qe = hit.quote_start, hit.quote_end
    start, end = min(hit.chunk.start, qs), max(hit.chunk.end, qe)
    limit = budget
    while True:
        rendered = _excerpt(text, start, end, qs, qe, limit)
        if dlen(rendered) <= budget or limit < 50:
            return rendered if dlen(rendered) <= budget else trim(rendered, budget)
        limit = int(limit * 0.85)


_SENTENCE_END = tuple("。．.!?！？」』)）:：")


def _starts_mid_sentence(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t\u3000")
    return bool(before) and not before.endswith("\n") and not before.endswith(_SENTENCE_END)


def _ends_mid_sentence(text: str, pos: int) -> bool:
    after = text[pos:].lstrip(" \t\u3000")
    end = text[:pos].rstrip()
    return bool(after) and not after.startswith("\n") and not end.endswith(_SENTENCE_END)


def _excerpt(text: str, start: int, end: int, qs: int, qe: int, limit: int) -> str:
    if qe - qs > limit:
        lo, hi = qs, qs + safe_cut(text[qs:], limit)
    else:
        room = limit - (qe - qs)
        left = min(qs - start, room // 2)
        right = min(end - qe, room - left)
        left = min(qs - start, room - right)
        lo, hi = safe_cut(text, qs - left), safe_cut(text, qe + right)
    lead = ELLIPSIS if lo > start or _starts_mid_sentence(text, lo) else ""
    tail = ELLIPSIS if hi < end or _ends_mid_sentence(text, hi) else ""
    parts = [(text[lo:qs], False), (text[qs : min(qe, hi)], True), (text[min(qe, hi) : hi], False)]
    return _blockquote(parts, lead, tail)


_INLINE_MARKUP = re.compile(r"([\\*_~|`\[\]])")
_ANGLE_MARKUP = re.compile(r"<(?=[@#:/]|a:|t:)")  # mentions, channels, emoji, timestamps
_LINE_MARKUP = re.compile(r"^(\s*)([>#+-])", re.M)
_LIST_NUMBER = re.compile(r"^(\s*\d+)\.(?=\s)", re.M)


def escape(text: str, *, line_start: bool = True) -> str:
    """``text`` shown as is by Discord: markdown, mentions and list markers escaped."""
    text = _INLINE_MARKUP.sub(r"\\\1", text)
    text = _ANGLE_MARKUP.sub(r"\\<", text)
    if line_start:
        text = _LINE_MARKUP.sub(r"\1\\\2", text)
        text = _LIST_NUMBER.sub(r"\1\\.", text)
    return text


def _blockquote(parts: list[tuple[str, bool]], lead: str, tail: str) -> str:
    lines: list[list[tuple[str, bool]]] = [[]]
    for part, bold in parts:
        for i, piece in enumerate(part.split("\n")):
            if i:
                lines.append([])
            if piece:
                lines[-1].append((piece, bold))
    out: list[str] = []
    for segments in lines:
        if not "".join(piece for piece, _ in segments).strip():
            continue  # a blank line: Discord would show a stray ">"
        line = ""
        for piece, bold in segments:
            escaped = escape(piece, line_start=not line)
            if bold and piece.strip():
                inner = escaped.strip()
                pad_left = escaped[: len(escaped) - len(escaped.lstrip())]
                pad_right = escaped[len(escaped.rstrip()) :]
                escaped = f"{pad_left}**{inner}**{pad_right}"
            line += escaped
        out.append(line.rstrip())
    if not out:
        return ""
    out[0] = lead + out[0].lstrip() if lead else out[0]
    out[-1] = out[-1] + tail
    return "\n".join(f"> {line}" for line in out)


def source_line(doc: Document) -> str:
    """The link, or the file name when a release has no URL."""
    if doc.url and re.match(r"https?://", doc.url):
        return f"<{doc.url}>"
    name = doc.path.replace("`", "'")
    return f"`{name}`"


def meta_line(doc: Document) -> str:
    parts = [doc.date.isoformat() if doc.date else None, doc.publisher]
    return " · ".join(p for p in parts if p)


def also_published(hit: Hit, lang: str) -> str:
    """ "also published by …" for a passage other releases reprint, or ""."""
    names = list(dict.fromkeys(d.publisher or d.title or d.path for d in hit.also))
    return t(lang, "also", names=", ".join(names)) if names else ""


def hit_embed(hit: Hit, budget: int = PASSAGE_CHARS, lang: str = "en") -> discord.Embed:
    doc = hit.doc
    url = doc.url if doc.url and re.match(r"https?://", doc.url) else None
    description = f"{excerpt(hit, budget)}\n{source_line(doc)}"
    embed = discord.Embed(
        title=trim(doc.title or doc.path, EMBED_TITLE_LIMIT),
        url=url,
        description=trim(description, EMBED_DESCRIPTION_LIMIT),
    )
    # a passage in the other language: the question's words it was found by
    via = ", ".join(f"{source} → {target}" for source, target in hit.matched)
    meta = " · ".join(x for x in (meta_line(doc), via, also_published(hit, lang)) if x)
    if meta:
        embed.set_footer(text=trim(meta, EMBED_FOOTER_LIMIT))
    # a passage in the other language: its meeting's release in the reader's, and a gloss
    for name, value in reader_lines(hit, lang, escape=escape, link=source_line, cut=trim):
        room = EMBED_TOTAL_LIMIT - embed_size(embed) - dlen(name)
        if room < 20:
            break
        embed.add_field(
            name=trim(name, FIELD_NAME_LIMIT),
            value=trim(value, min(FIELD_VALUE_LIMIT, room)),
            inline=False,
        )
    return embed


def _echo(question: str) -> str:
    return escape(trim(" ".join(question.split()), 300))


def suggestion_line(doc: Document) -> str:
    date = f" ({doc.date.isoformat()})" if doc.date else ""
    return (
        f"- {escape(trim(doc.title or doc.path, 200), line_start=False)}{date} {source_line(doc)}"
    )


def answer_replies(answer: Answer, lang: str, budget: int = PASSAGE_CHARS) -> list[Reply]:
    """The messages answering ``answer``: a heading, then one embed per quoted passage."""
    if not answer.answered or not answer.hits:
        timed = decline_lines(answer, lang)
        if timed is not None:
            lines = [f"{t(lang, 'question', question=_echo(answer.question))}"]
            lines += [escape(line, line_start=False) for line in timed]
        elif answer.missing:
            figure = t(lang, answer.missing)
            lines = [t(lang, "no_figure", question=_echo(answer.question), figure=figure)]
        else:
            lines = [t(lang, "no_answer", question=_echo(answer.question))]
        if answer.suggestions:
            lines.append(t(lang, "suggestions"))
            lines += [suggestion_line(doc) for doc in answer.suggestions]
        return pack("\n".join(lines), [])
    heading = t(lang, "heading", question=_echo(answer.question), count=len(answer.hits))
    return pack(heading, [hit_embed(hit, budget, lang) for hit in answer.hits])


# -- admin ---------------------------------------------------------------------------------------


def about_text(info: IndexInfo, lang: str) -> str:
    unknown = t(lang, "unknown")
    built = info.built_at
    if built.tzinfo is None:
        built = built.replace(tzinfo=dt.UTC)
    return t(
        lang,
        "about",
        documents=info.documents,
        chunks=info.chunks,
        newest=info.newest_release.isoformat() if info.newest_release else unknown,
        built=discord.utils.format_dt(built, "f"),
        model=info.model_id,
    )


def progress_text(progress: BuildProgress | None, lang: str) -> str:
    if progress is None:
        return t(lang, "rebuild_start")
    stage = TEXT.get(lang, TEXT["en"]).get(f"stage_{progress.stage}", progress.stage)
    return t(lang, "rebuild_progress", stage=stage, done=progress.done, total=progress.total)


def report_text(report: BuildReport, lang: str) -> str:
    skipped = ""
    if report.skipped:
        names = ", ".join(str(getattr(s, "path", s)) for s in report.skipped[:10])
        skipped = t(lang, "rebuild_skipped", files=escape(names, line_start=False))
    text = t(
        lang,
        "rebuild_done",
        seconds=report.seconds,
        documents=report.documents,
        chunks=report.chunks,
        embedded=report.embedded,
        reused=report.reused,
        skipped=skipped,
    )
    return trim(text, CONTENT_LIMIT)
