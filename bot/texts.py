"""The bot's framing text in Japanese and English (headings, errors, progress)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.schema import Answer

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "heading": "**Question:** {question}\n{count} passage(s) from the releases:",
        "question": "**Question:** {question}",
        "also": "also published by {names}",
        "no_answer": (
            "**Question:** {question}\nNo relevant passage found in the releases for this question."
        ),
        "no_figure": (
            "**Question:** {question}\nThe releases found do not state the {figure} this "
            "question asks for."
        ),
        "no_period": (
            "No release in the corpus is from {period}; the releases run from {first} to {last}."
        ),
        "no_period_empty": "No release in the corpus is from {period}.",
        "no_round": "No release about a {series} from {period}. The corpus holds these rounds:",
        "no_round_number": (
            "No release reports round {number} of the {series}. The corpus holds these rounds:"
        ),
        "no_partners": "No release in the corpus reports a meeting of {countries}.",
        "amount": "amount",
        "percentage": "percentage",
        "headcount": "number of people",
        "duration": "length of time",
        "clock": "time of day",
        "next": "next meeting",
        "suggestions": "Closest releases:",
        "queued": "Queued: {ahead} question(s) ahead of yours…",
        "empty": "Please write a question.",
        "too_long": "The question is {length} characters long; the limit is {limit}.",
        "control": "The question contains control characters; please retype it.",
        "bad_date": "`{value}` is not a date: use YYYY-MM-DD (e.g. 2024-07-28).",
        "bad_lang": "`{value}` is not a language: use ja or en.",
        "bad_k": "k must be between {low} and {high}.",
        "cooldown": "Please wait {seconds:.0f} s before asking again.",
        "not_admin": "Only server admins can do that.",
        "guild_only": "This command only works in a server.",
        "build_running": "The index is being rebuilt or updated; try again when it has finished.",
        "index_unavailable": "The index cannot be used right now: {reason}",
        "shutting_down": "The bot is restarting; please ask again in a minute.",
        "generic": "Something went wrong; it has been logged. Please try again later.",
        "sources_none": "No sources yet: add a feed or a page with `/sources add`.",
        "sources_row": (
            "**{name}** ({kind}) <{url}>\n  last fetch: {last} · status: "
            "{status} · releases held: {count}"
        ),
        "never": "never",
        "source_added": (
            "Following **{name}** ({kind}): <{url}>\nIts releases arrive "
            "with the next refresh, or now with `/sources fetch`."
        ),
        "source_removed": "Stopped following **{name}**; its releases stay in the corpus.",
        "source_purged": (
            "Stopped following **{name}** and deleted its {count} "
            "release(s) from the corpus and the index."
        ),
        "fetch_start": "Fetching the sources…",
        "fetch_done": "{summary}",
        "fetch_failure": "- {line}",
        "fetch_error": "Could not fetch <{url}>: {reason}",
        "ingest_one": "Give either a file or a url (one of them).",
        "ingest_type": "`{name}` cannot be added: only .txt, .md, .html and .pdf releases.",
        "ingest_size": "`{name}` is {size:,} bytes; the limit is {limit:,}.",
        "ingest_added": "Added to the corpus and the index:",
        "ingest_duplicate": "Already in the corpus as `{path}`: nothing added.",
        "ingest_fields": (
            "**{title}**\nDate: {date} · Publisher: {publisher} · "
            "Language: {language}\nFiled under: {meeting}\nSource: {source}"
        ),
        "no_meeting": "no meeting of the catalogue",
        "announce": "New in the corpus after a refresh of the sources:",
        "rebuild_start": "Rebuilding the index from the corpus…",
        "rebuild_progress": "Rebuilding the index: {stage} {done}/{total}",
        "rebuild_done": (
            "Index rebuilt in {seconds:.1f} s: {documents} releases, {chunks} passages "
            "({embedded} embedded, {reused} reused){skipped}. `/ask` now uses it."
        ),
        "rebuild_skipped": "; skipped: {files}",
        "rebuild_failed": "Rebuild failed: {reason}\nThe previous index is still in use.",
        "about": (
            "**secbrief**: {documents} releases, {chunks} passages\n"
            "Newest release: {newest}\nIndex built: {built}\nModel: `{model}`"
        ),
        "unknown": "unknown",
        "stage_load": "reading releases",
        "stage_embed": "embedding passages",
        "stage_extract": "extracting meetings",
        "stage_write": "writing the index",
        "stage_done": "switching",
        "fb_yes": "Answered",
        "fb_no": "Not answered",
        "fb_thanks_yes": "Thanks: noted as answered (only you see this).",
        "fb_thanks_no": "Thanks: noted as not answered (only you see this).",
        "fb_which": "Thanks: noted as answered. Which passage answered it?",
        "fb_pick": "The passage that answered",
        "fb_chosen": "Thanks: passage {position} noted as the answer (only you see this).",
        "fb_unknown": "This answer is no longer known (too old, or deleted): nothing was stored.",
        "fb_off": "Feedback is not being collected.",
        "fb_since": " since {date}",
        "fb_stats_head": "Feedback{since}: {shown} answer(s) shown, {rated} rated, ",
        "fb_stats_votes": "{votes} vote(s)",
        "fb_stats_none": "No votes yet.",
        "fb_stats_share": "Answered: {tally}",
        "fb_stats_lang": "By language: {items}",
        "fb_stats_week": "By week:",
        "fb_stats_unanswered": "Most frequent unanswered questions:",
    },
    "ja": {
        "heading": "**質問:** {question}\n資料から{count}件の該当箇所:",
        "question": "**質問:** {question}",
        "also": "同じ内容の発表: {names}",
        "no_answer": (
            "**質問:** {question}\nこの質問に該当する箇所は資料の中に見つかりませんでした。"
        ),
        "no_figure": (
            "**質問:** {question}\n見つかった資料には、この質問が求める{figure}の記載が"
            "ありませんでした。"
        ),
        "no_period": "{period}の発表はコーパスにありません（収録は{first}から{last}まで）。",
        "no_period_empty": "{period}の発表はコーパスにありません。",
        "no_round": "{period}の{series}に関する発表はありません。コーパスにある回:",
        "no_round_number": "{series}の第{number}回を報じる発表はありません。コーパスにある回:",
        "no_partners": "{countries}の会合を報じる発表はコーパスにありません。",
        "amount": "金額",
        "percentage": "割合",
        "headcount": "人数",
        "duration": "時間の長さ",
        "clock": "時刻",
        "next": "次回会合の予定",
        "suggestions": "近い資料:",
        "queued": "順番待ち中です（前に{ahead}件）…",
        "empty": "質問を入力してください。",
        "too_long": "質問が長すぎます（{length}文字、上限{limit}文字）。",
        "control": "質問に制御文字が含まれています。入力し直してください。",
        "bad_date": (
            "`{value}` は日付ではありません。YYYY-MM-DD の形式で指定してください"
            "（例: 2024-07-28）。"
        ),
        "bad_lang": "`{value}` は言語ではありません。ja か en を指定してください。",
        "bad_k": "k は {low} から {high} の間で指定してください。",
        "cooldown": "{seconds:.0f}秒待ってから質問してください。",
        "not_admin": "このコマンドはサーバー管理者のみ使えます。",
        "guild_only": "このコマンドはサーバー内でのみ使えます。",
        "build_running": "インデックスを再構築・更新中です。終わってからもう一度お試しください。",
        "index_unavailable": "現在インデックスを使えません: {reason}",
        "shutting_down": "ボットを再起動中です。少し待ってからもう一度質問してください。",
        "generic": "エラーが発生しました（記録済み）。しばらくしてからもう一度お試しください。",
        "sources_none": (
            "ソースはまだありません。`/sources add` でフィードやページを追加してください。"
        ),
        "sources_row": (
            "**{name}** ({kind}) <{url}>\n  最終取得: {last} · 状態: {status} · 資料数: {count}"
        ),
        "never": "未取得",
        "source_added": (
            "**{name}** ({kind}) を追跡します: <{url}>\n資料は次回の更新時、または "
            "`/sources fetch` ですぐに取得されます。"
        ),
        "source_removed": "**{name}** の追跡をやめました。取得済みの資料はそのまま残ります。",
        "source_purged": (
            "**{name}** の追跡をやめ、資料{count}件を資料とインデックスから削除しました。"
        ),
        "fetch_start": "ソースを取得しています…",
        "fetch_done": "{summary}",
        "fetch_failure": "- {line}",
        "fetch_error": "<{url}> を取得できませんでした: {reason}",
        "ingest_one": "ファイルか URL のどちらか一つを指定してください。",
        "ingest_type": "`{name}` は追加できません（.txt、.md、.html、.pdf のみ）。",
        "ingest_size": "`{name}` は {size:,} バイトです。上限は {limit:,} バイトです。",
        "ingest_added": "資料とインデックスに追加しました:",
        "ingest_duplicate": "すでに `{path}` として収録済みです。追加していません。",
        "ingest_fields": (
            "**{title}**\n日付: {date} · 発表元: {publisher} · 言語: {language}\n"
            "会合: {meeting}\n出典: {source}"
        ),
        "no_meeting": "該当する会合なし",
        "announce": "ソースの更新で新しい会合が加わりました:",
        "rebuild_start": "資料からインデックスを再構築しています…",
        "rebuild_progress": "インデックス再構築中: {stage} {done}/{total}",
        "rebuild_done": (
            "インデックスを再構築しました（{seconds:.1f}秒）: 資料{documents}件、"
            "{chunks}箇所（新規{embedded}、再利用{reused}）{skipped}。"
            "`/ask` は新しいインデックスを使います。"
        ),
        "rebuild_skipped": "。読み込めなかったファイル: {files}",
        "rebuild_failed": (
            "再構築に失敗しました: {reason}\n以前のインデックスをそのまま使っています。"
        ),
        "about": (
            "**secbrief**: 資料{documents}件、{chunks}箇所\n"
            "最新の資料: {newest}\nインデックス作成: {built}\nモデル: `{model}`"
        ),
        "unknown": "不明",
        "stage_load": "資料の読み込み",
        "stage_embed": "埋め込み計算",
        "stage_extract": "会合の抽出",
        "stage_write": "インデックスの書き込み",
        "stage_done": "切り替え",
        "fb_yes": "答えになった",
        "fb_no": "答えになっていない",
        "fb_thanks_yes": (
            "ありがとうございます。「答えになった」と記録しました（あなたにだけ表示）。"
        ),
        "fb_thanks_no": (
            "ありがとうございます。「答えになっていない」と記録しました（あなたにだけ表示）。"
        ),
        "fb_which": "ありがとうございます。どの箇所が答えになりましたか？",
        "fb_pick": "答えになった箇所",
        "fb_chosen": "ありがとうございます。{position}番目の箇所を答えとして記録しました。",
        "fb_unknown": "この回答はもう記録にありません（古いか削除済み）。何も保存していません。",
        "fb_off": "フィードバックは収集していません。",
        "fb_since": "（{date}以降）",
        "fb_stats_head": "フィードバック{since}: 表示した回答{shown}件、評価された回答{rated}件、",
        "fb_stats_votes": "投票{votes}件",
        "fb_stats_none": "まだ投票はありません。",
        "fb_stats_share": "答えになった: {tally}",
        "fb_stats_lang": "言語別: {items}",
        "fb_stats_week": "週別:",
        "fb_stats_unanswered": "答えにならなかった質問（多い順）:",
    },
}


def t(lang: str, key: str, **params: object) -> str:
    """The framing text ``key`` in ``lang`` (English when the language has no table)."""
    return TEXT.get(lang, TEXT["en"])[key].format(**params)


def period_text(start: dt.date, end: dt.date, lang: str) -> str:
    """A time a question names, as people write it: "2023", "December 2023", 「2023年12月」;
    an open span as "2024-04-01 or later", 「2024-04-01以降」."""
    from index.ingest.dates import EARLIEST, LATEST

    if end == LATEST:
        return f"{start.isoformat()}以降" if lang == "ja" else f"{start.isoformat()} or later"
    if start == EARLIEST:
        return f"{end.isoformat()}以前" if lang == "ja" else f"{end.isoformat()} or earlier"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        years = str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
        return f"{years}年" if lang == "ja" and start.year == end.year else years
    last = calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and end.day == last and (start.year, start.month) == (end.year, end.month):
        if lang == "ja":
            return f"{start.year}年{start.month}月"
        return f"{calendar.month_name[start.month]} {start.year}"
    return start.isoformat() if start == end else f"{start.isoformat()} – {end.isoformat()}"


# country names that take "the" in running English text
_ARTICLE = frozenset({"United", "Republic", "Philippines", "Netherlands"})


def decline_lines(answer: Answer, lang: str) -> list[str] | None:
    """Why a question was declined when the catalogue or the dates say why ("period",
    "round", "partners"), as plain lines (the front ends escape them), or None for the other
    reasons."""
    if answer.missing == "partners" and answer.partners:
        from index.meetings.catalogue import country_label

        names = [country_label(code, lang) for code in answer.partners]
        if lang != "ja":  # "the United Kingdom", "the Philippines"
            names = [f"the {n}" if n.split()[0] in _ARTICLE else n for n in names]
        joined = (
            "・".join(names) if lang == "ja" else " and ".join([", ".join(names[:-1]), names[-1]])
        )
        return [t(lang, "no_partners", countries=joined)]
    if answer.missing == "round" and answer.round_number is not None and answer.rounds:
        series = answer.rounds[0].name_in(lang)
        lines = [t(lang, "no_round_number", number=answer.round_number, series=series)]
        return lines + _round_lines(answer, lang)
    if answer.period is None or answer.missing not in ("period", "round"):
        return None
    when = period_text(*answer.period, lang)
    if answer.missing == "period":
        if answer.held is None:
            return [t(lang, "no_period_empty", period=when)]
        first, last = (d.isoformat() for d in answer.held)
        return [t(lang, "no_period", period=when, first=first, last=last)]
    series = answer.rounds[0].name_in(lang) if answer.rounds else ""
    return [t(lang, "no_round", period=when, series=series), *_round_lines(answer, lang)]


def _round_lines(answer: Answer, lang: str) -> list[str]:
    lines = []
    for r in answer.rounds[:8]:
        place = f" ({r.place_in(lang)})" if r.place_in(lang) else ""
        lines.append(f"- {r.date.isoformat()} {r.name_in(lang)}{place}")
    return lines
