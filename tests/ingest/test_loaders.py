"""Loading releases: every format and encoding, broken files skipped, the shipped corpus whole."""

from __future__ import annotations

import csv
import datetime as dt
import logging
import os
import shutil
from pathlib import Path

import pytest

from index.errors import CorpusError
from index.ingest.loaders import Skipped, load_corpus, load_file
from index.text import detect_lang

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "data" / "loaders"
DEV_QA = ROOT / "tests" / "data" / "dev-qa.tsv"


def _decoded(path: Path, encoding: str) -> str:
    return path.read_bytes().decode(encoding).replace("\r\n", "\n")


# --- .txt with a header ---------------------------------------------------------------------


def test_txt_header_gives_metadata_and_the_body_verbatim() -> None:
    path = CORPUS / "002-edd-2024-12-state-en.txt"
    doc = load_file(path, CORPUS)
    raw = path.read_text(encoding="utf-8")
    assert doc.id == doc.path == "002-edd-2024-12-state-en.txt"
    assert doc.title == "U.S.-Japan Extended Deterrence Dialogue"
    assert doc.date == dt.date(2024, 12, 13)
    assert doc.url == "https://miragenews.com/us-japan-extended-deterrence-dialogue-13-1377138"
    assert doc.lang == "en"
    assert doc.publisher == "U.S. Department of State (reprinted by Mirage News)"
    assert doc.text.startswith("U.S.-Japan Extended Deterrence Dialogue 13 December")
    assert doc.text in raw
    assert "source:" not in doc.text


def test_txt_body_keeps_date_line_but_not_section_label_and_back_link() -> None:
    doc = load_file(CORPUS / "019-guidelines-2024-12-mofa-ja.txt", CORPUS)
    assert doc.text.startswith("日米政府間の拡大抑止に関するガイドライン\n\n令和6年12月27日")
    assert doc.text.endswith("探求し続けます。")
    assert "報道発表" not in doc.text


def test_header_without_date_takes_the_date_line_of_the_body(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text(
        "title: 日米外相会談\nlang: ja\n\n日米外相会談\n\n令和6年7月28日\n\n"
        " 7月28日、上川陽子外務大臣は、ブリンケン米国国務長官と会談を行いました。\n",
        encoding="utf-8",
    )
    doc = load_file(tmp_path / "r.txt", tmp_path)
    assert (doc.title, doc.date, doc.publisher, doc.url) == (
        "日米外相会談",
        dt.date(2024, 7, 28),
        None,
        None,
    )


def test_unreadable_header_date_falls_back_to_the_page(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "r.txt").write_text(
        "title: X\ndate: soon\n\nJune 23, 2023\n\nThe two governments will hold a dialogue.\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="index.ingest.loaders"):
        doc = load_file(tmp_path / "r.txt", tmp_path)
    assert doc.date == dt.date(2023, 6, 23)
    assert "r.txt" in caplog.text and "soon" in caplog.text


def test_header_body_with_a_whole_site_navigation_is_stripped(tmp_path: Path) -> None:
    page = (FIXTURES / "news-site-ja-raw.txt").read_text(encoding="utf-8")
    (tmp_path / "r.txt").write_text(
        "title: 日米韓防衛相会談\ndate: 2024-07-28\nlang: ja\n\n" + page, encoding="utf-8"
    )
    doc = load_file(tmp_path / "r.txt", tmp_path)
    assert doc.text.startswith("7月28日(日)、木原防衛大臣")
    assert doc.text.endswith("（了）")
    assert "関連記事" not in doc.text and "ホーム" not in doc.text
    assert (doc.title, doc.date, doc.publisher) == (
        "日米韓防衛相会談",
        dt.date(2024, 7, 28),
        "防衛ニュース速報",
    )


# --- .txt without a header: raw pages -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "date", "publisher", "lang", "first", "last"),
    [
        (
            "001-edd-2024-12-jdefense-raw.txt",
            "防衛省が日米拡大抑止協議(12月10日~12日実施)の概要を発表",
            dt.date(2024, 12, 16),
            "Jディフェンスニュース",
            "ja",
            "防衛省は令和6(2024)年12月12日",
            "(以上)",
        ),
        (
            "026-dmm-2024-07-dod-readout-en-raw.txt",
            "Readout of Secretary of Defense Lloyd J. Austin III's Meeting With Japanese "
            "Minister of Defense Kihara Minoru",
            dt.date(2024, 7, 29),
            "U.S. Department of Defense",
            "en",
            "Deputy Pentagon Press Secretary Ms. Sabrina Singh",
            "free and open Indo-Pacific.",
        ),
        (
            "027-dmm-2024-07-jdefense-ja-raw.txt",
            "木原防衛大臣、オースティン米国防長官と日米防衛相会談(7月29日)",
            dt.date(2024, 7, 31),
            "Jディフェンスニュース",
            "ja",
            "防衛省は令和6(2024)年7月29日(月)15時30分",
            "二国間の取組を加速させていくことを確認した。",
        ),
    ],
)
def test_raw_pages_of_the_corpus(
    name: str, title: str, date: dt.date, publisher: str, lang: str, first: str, last: str
) -> None:
    doc = load_file(CORPUS / name, CORPUS)
    assert (doc.title, doc.date, doc.publisher, doc.lang, doc.url) == (
        title,
        date,
        publisher,
        lang,
        None,
    )
    assert doc.text.startswith(first)
    assert doc.text.endswith(last)
    assert doc.text in (CORPUS / name).read_text(encoding="utf-8")
    for nav in ("site search", "menu", "Ranking", "pagetop", "No comments", "Post a Comment"):
        assert nav not in doc.text
    assert "Unsubscribe" not in doc.text and "This email was sent to" not in doc.text


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding", "title", "date"),
    [
        ("mod-ja-cp932.txt", "cp932", "日米拡大抑止協議の開催について", dt.date(2023, 6, 28)),
        (
            "mofa-ja-eucjp.txt",
            "euc_jp",
            "日米政府間の拡大抑止に関するガイドライン",
            dt.date(2024, 12, 27),
        ),
        ("mod-ja-iso2022jp.txt", "iso2022_jp", "日米韓防衛相会談について", dt.date(2024, 7, 28)),
    ],
)
def test_japanese_encodings_decode_to_japanese(
    name: str, encoding: str, title: str, date: dt.date
) -> None:
    path = FIXTURES / name
    doc = load_file(path, FIXTURES)
    assert (doc.title, doc.date, doc.lang) == (title, date, "ja")
    assert doc.text in _decoded(path, encoding)
    assert "\r" not in doc.text
    assert "日米" in doc.text and "しました。" in doc.text


def test_cp932_with_crlf_keeps_the_body_verbatim_with_newlines_normalised() -> None:
    path = FIXTURES / "mod-ja-cp932.txt"
    assert b"\r\n" in path.read_bytes()
    doc = load_file(path, FIXTURES)
    assert doc.text.startswith("日米拡大抑止協議の開催について\n\n令和5年6月28日\n防衛省")
    assert doc.url == "http://www.mod.go.jp/j/approach/anpo/2023/0628a_usa-j.html"
    assert doc.publisher == "防衛省"


def test_short_cp932_file_is_not_read_as_a_latin_codepage(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(
        "日米拡大抑止協議\n\n日米両政府は協議を実施した。\n".encode("cp932")
    )
    (tmp_path / "b.txt").write_bytes("日米拡大抑止協議\n".encode("cp932"))
    assert load_file(tmp_path / "a.txt", tmp_path).text.endswith("日米両政府は協議を実施した。")
    assert load_file(tmp_path / "b.txt", tmp_path).text == "日米拡大抑止協議"


def test_english_windows_1252_text(tmp_path: Path) -> None:
    body = "The Ministers met in Tokyo on July 28, 2024 and reaffirmed the \u201c2+2\u201d goals."
    (tmp_path / "e.txt").write_bytes(f"title: 2+2\n\n{body}\n".encode("cp1252"))
    doc = load_file(tmp_path / "e.txt", tmp_path)
    assert (doc.text, doc.lang) == (body, "en")


# --- .md front matter -----------------------------------------------------------------------


def test_markdown_with_bom_and_front_matter() -> None:
    path = FIXTURES / "state-en-bom.md"
    doc = load_file(path, FIXTURES)
    assert doc.title == "U.S.-Japan Extended Deterrence Dialogue"
    assert doc.date == dt.date(2024, 6, 15)
    assert doc.url == "https://breakingnewsinternational.com/?p=34415"
    assert (doc.lang, doc.publisher) == ("en", "U.S. Department of State")
    assert doc.text.startswith("# U.S.-Japan Extended Deterrence Dialogue\n\nThe United States")
    assert doc.text in _decoded(path, "utf-8-sig")
    assert "---" not in doc.text and "\ufeff" not in doc.text


def test_markdown_title_from_heading_and_broken_front_matter(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ndate: 2023-01-11\n---\n# The 2+2\n\nThey met.\n")
    doc = load_file(tmp_path / "a.md", tmp_path)
    assert (doc.title, doc.date, doc.text) == (
        "The 2+2",
        dt.date(2023, 1, 11),
        "# The 2+2\n\nThey met.",
    )
    (tmp_path / "b.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")
    with pytest.raises(CorpusError, match=r"b\.md.*front matter"):
        load_file(tmp_path / "b.md", tmp_path)


# --- HTML -----------------------------------------------------------------------------------


def test_html_page_loses_header_nav_and_footer() -> None:
    doc = load_file(FIXTURES / "mofa-press-en.html", FIXTURES)
    assert doc.title == "Japan-U.S. Extended Deterrence Dialogue"
    assert doc.date == dt.date(2023, 6, 23)
    assert doc.url == "https://www.mofa.go.jp/press/release/press4e_003275.html"
    assert (doc.lang, doc.publisher) == ("en", "Ministry of Foreign Affairs of Japan")
    assert "in the U.S. from June 26 to 27, 2023." in doc.text
    assert "has been held on a regular basis ever since." in doc.text
    for nav in ("Skip to main content", "Visa, Residency", "Related Links", "Privacy Policy"):
        assert nav not in doc.text
    assert "Kasumigaseki" not in doc.text and "All rights reserved" not in doc.text


def test_shift_jis_html_with_date_in_the_text() -> None:
    doc = load_file(FIXTURES / "mod-ja-sjis.html", FIXTURES)
    assert (doc.title, doc.date, doc.lang) == ("日米拡大抑止協議", dt.date(2023, 12, 7), "ja")
    assert doc.url == "https://www.mod.go.jp/j/approach/anpo/2023/1207a_usa-j.html"
    assert "2023年12月5日から6日まで、日米両政府は" in doc.text
    for nav in ("採用情報", "サイトマップ", "プライバシーポリシー", "市谷本村町"):
        assert nav not in doc.text


def test_html_meta_date_wins(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(
        '<html><head><meta property="article:published_time" content="2024-07-28T18:00:00+09:00">'
        "<title>Readout</title></head><body><article><p>"
        + "Secretary Austin met Minister Kihara in Tokyo and reaffirmed the alliance. " * 5
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    doc = load_file(tmp_path / "p.html", tmp_path)
    assert (doc.date, doc.title, doc.lang) == (dt.date(2024, 7, 28), "Readout", "en")


# --- PDF ------------------------------------------------------------------------------------


def _pdf(path: Path, lines: list[str], title: str | None = None, japanese: bool = False) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    if title:
        c.setTitle(title)
    if japanese:
        pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
        c.setFont("HeiseiMin-W3", 11)
    for i, line in enumerate(lines):
        c.drawString(60, 780 - 16 * i, line)
    if not lines:
        c.rect(60, 600, 200, 100, fill=1)  # a "scan": marks on the page, no text layer
    c.showPage()
    c.save()


def test_pdf_text_layer_title_and_date(tmp_path: Path) -> None:
    _pdf(
        tmp_path / "joint.pdf",
        [
            "Joint Statement of the Security Consultative Committee",
            "January 11, 2023",
            "The Ministers convened the U.S.-Japan Security Consultative Committee.",
        ],
        title="Joint Statement of the SCC",
    )
    doc = load_file(tmp_path / "joint.pdf", tmp_path)
    assert (doc.title, doc.date, doc.lang, doc.id) == (
        "Joint Statement of the SCC",
        dt.date(2023, 1, 11),
        "en",
        "joint.pdf",
    )
    assert "convened the U.S.-Japan Security Consultative Committee." in doc.text


def test_japanese_pdf_without_title_metadata(tmp_path: Path) -> None:
    _pdf(
        tmp_path / "ja.pdf",
        [
            "日米拡大抑止協議",
            "令和5年12月7日",
            "日米両政府は、日本において、日米拡大抑止協議を実施しました。",
        ],
        japanese=True,
    )
    doc = load_file(tmp_path / "ja.pdf", tmp_path)
    assert (doc.title, doc.date, doc.lang) == ("日米拡大抑止協議", dt.date(2023, 12, 7), "ja")


# --- broken files ---------------------------------------------------------------------------


def _broken_corpus(folder: Path) -> None:
    shutil.copy(CORPUS / "002-edd-2024-12-state-en.txt", folder / "good.txt")
    (folder / "garbage.txt").write_bytes(os.urandom(1) + bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("   \n\n  \n")
    (folder / "header-only.txt").write_text("title: Nothing here\ndate: 2024-01-01\n\n")
    (folder / "nav-only.txt").write_text("site search\nmenu\npagetop\nNo comments:\n")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not a release")
    (folder / "fake.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (folder / "junk.html").write_bytes(b'<meta charset="iso-8859-1">' + bytes(range(256)) * 4)
    (folder / "markup-only.htm").write_text("<html><head><script>var a=1;</script></head></html>")
    _pdf(folder / "scan.pdf", [])


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("garbage.txt", "binary"),
        ("empty.txt", "empty"),
        ("blank.md", "empty"),
        ("header-only.txt", "no text"),
        ("nav-only.txt", "no text"),
        ("notes.docx", "unsupported"),
        ("fake.pdf", "unreadable PDF"),
        ("junk.html", "binary"),
        ("markup-only.htm", "no text"),
        ("scan.pdf", "no text layer"),
    ],
)
def test_load_file_names_the_file_and_the_reason(tmp_path: Path, name: str, reason: str) -> None:
    _broken_corpus(tmp_path)
    with pytest.raises(CorpusError) as err:
        load_file(tmp_path / name, tmp_path)
    assert name in str(err.value) and reason in str(err.value)


def test_load_corpus_skips_broken_files_and_keeps_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _broken_corpus(tmp_path)
    with caplog.at_level(logging.WARNING, logger="index.ingest.loaders"):
        docs, skipped = load_corpus(tmp_path)
    assert [d.id for d in docs] == ["good.txt"]
    assert sorted(s.path for s in skipped) == sorted(
        [
            "blank.md",
            "empty.txt",
            "fake.pdf",
            "garbage.txt",
            "header-only.txt",
            "junk.html",
            "markup-only.htm",
            "nav-only.txt",
            "notes.docx",
            "scan.pdf",
        ]
    )
    assert all(isinstance(s, Skipped) and s.reason for s in skipped)
    for s in skipped:
        assert s.path in caplog.text


def test_load_corpus_walks_subfolders_sorted_and_skips_readme_and_hidden(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / ".cache").mkdir()
    shutil.copy(CORPUS / "003-edd-2023-12-mod-ja.txt", tmp_path / "b" / "c" / "z.txt")
    shutil.copy(CORPUS / "002-edd-2024-12-state-en.txt", tmp_path / "b" / "a.txt")
    shutil.copy(CORPUS / "004-edd-2023-12-state-en.txt", tmp_path / "a.txt")
    shutil.copy(CORPUS / "README.md", tmp_path / "README.md")
    shutil.copy(CORPUS / "005-edd-2024-06-mod-ja.txt", tmp_path / ".hidden.txt")
    shutil.copy(CORPUS / "005-edd-2024-06-mod-ja.txt", tmp_path / ".cache" / "x.txt")
    docs, skipped = load_corpus(tmp_path)
    assert [d.id for d in docs] == ["a.txt", "b/a.txt", "b/c/z.txt"]
    assert [d.path for d in docs] == [d.id for d in docs]
    assert skipped == []


def test_load_corpus_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(CorpusError, match="not a folder"):
        load_corpus(tmp_path / "file.txt")


# --- the shipped corpus ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> tuple[list, list]:
    return load_corpus(CORPUS)


def test_the_shipped_corpus_loads_whole(corpus: tuple[list, list]) -> None:
    docs, skipped = corpus
    assert skipped == []
    assert len(docs) == 179  # the 33 of the sample and 146 in wider/
    files = [p for p in CORPUS.rglob("*.txt")]
    assert sorted(d.id for d in docs) == sorted(p.relative_to(CORPUS).as_posix() for p in files)
    assert sum(1 for d in docs if "/" not in d.id) == 33
    for doc in docs:
        raw = (CORPUS / doc.path).read_text(encoding="utf-8")
        assert doc.text and doc.text in raw, doc.id
        assert doc.date is not None and dt.date(2015, 1, 1) <= doc.date <= dt.date(2025, 12, 31)
        assert doc.lang == detect_lang(doc.text), doc.id
        assert doc.title and doc.publisher, doc.id
        assert doc.url is not None or doc.id.endswith("-raw.txt"), doc.id


def test_header_values_of_the_corpus_are_kept(corpus: tuple[list, list]) -> None:
    docs, _ = corpus
    by_id = {d.id: d for d in docs}
    for doc in docs:
        if doc.id.endswith("-raw.txt"):
            continue
        header = (CORPUS / doc.id).read_text(encoding="utf-8").split("\n\n", 1)[0]
        fields = dict(line.split(": ", 1) for line in header.splitlines())
        assert doc.title == fields["title"]
        assert doc.date == dt.date.fromisoformat(fields["date"])
        assert (doc.url, doc.lang, doc.publisher) == (
            fields["source"],
            fields["lang"],
            fields["publisher"],
        )
    assert by_id["027-dmm-2024-07-jdefense-ja-raw.txt"].lang == "ja"


def test_every_dev_answer_span_is_in_its_document(corpus: tuple[list, list]) -> None:
    docs, _ = corpus
    by_id = {d.id: d for d in docs}
    with DEV_QA.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["doc_file"] != "-"]
    assert rows
    missing = [r["id"] for r in rows if r["answer_span"] not in by_id[r["doc_file"]].text]
    assert missing == []


def test_the_shipped_dev_set_is_the_shared_one_when_both_exist() -> None:
    # the repository ships its own copy (a user's clone has nothing beside it); where the
    # steering copy is present it must be the same file, byte for byte
    shared = ROOT.parent / "shared" / "eval" / "dev-qa.tsv"
    if shared.exists():
        assert DEV_QA.read_bytes() == shared.read_bytes()
    assert DEV_QA.read_text(encoding="utf-8").startswith("id\t")


def test_every_heldout_answer_span_is_in_its_release(corpus: tuple[list, list]) -> None:
    # the questions written blind over corpus/ and the held-out releases (doc_file heldout/...)
    heldout = ROOT / "tests" / "data" / "heldout"
    held, skipped = load_corpus(heldout / "releases")
    assert skipped == [] and len(held) == 75
    by_id = {d.id: d for d in corpus[0]} | {f"heldout/{d.id}": d for d in held}
    assert not {d.id for d in held} & {d.id.rsplit("/", 1)[-1] for d in corpus[0]}
    for name in ("qa-tune.tsv", "qa-final.tsv"):
        with (heldout / name).open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        answerable = [r for r in rows if r["doc_file"] != "-"]
        assert len(rows) >= 50 and answerable
        missing = [r["id"] for r in answerable if r["answer_span"] not in by_id[r["doc_file"]].text]
        assert missing == []
