"""Fetching over HTTP, against a real server on 127.0.0.1 (``tests/httpserver.py``).

Nothing here reaches another host: made-up public names are answered by a fake resolver and
their connections are carried to the local server by a test transport (see ``PublicInternet``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import socket
import ssl
import subprocess
import time

import httpx
import pytest
from httpserver import TestSite

from index.errors import FetchError, UnsafeURL
from index.ingest.http import Fetcher, FetchPolicy, check_url

FAST = FetchPolicy(min_interval=0, allow_private=True, connect_timeout=2, total_timeout=5)
PUBLIC_IP = "93.184.216.34"


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as running:
        yield running


def fake_dns(names: dict[str, str | list[str]]):
    """A resolver of ``socket.getaddrinfo``'s shape that knows only ``names``."""

    def resolve(host, port, *args, **kwargs):
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        found = names[host]
        addresses = [found] if isinstance(found, str) else found
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    return resolve


def no_dns(*args, **kwargs):
    raise AssertionError("a literal address must be checked without a name lookup")


class PublicInternet(httpx.BaseTransport):
    """The internet between secbrief and a public web server, played by the local site.

    The Fetcher resolves a made-up public name with the fake resolver, checks the address (it is
    public, so allowed even with ``allow_private=False``) and sends the request to that address.
    This transport records the address and delivers the request, unchanged otherwise, to the
    local server, as the routers between here and there would. Whatever the server answers is
    then handled exactly as from a real public host: a redirect to a private address is checked
    and refused by the Fetcher itself, before any connection.
    """

    def __init__(self, site: TestSite) -> None:
        self.site = site
        self.addresses: list[str] = []
        self._wire = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.addresses.append(request.url.host)
        request.url = request.url.copy_with(host="127.0.0.1", port=self.site.port)
        return self._wire.handle_request(request)

    def close(self) -> None:
        self._wire.close()


def public_fetcher(
    site: TestSite, names: dict[str, str | list[str]]
) -> tuple[Fetcher, PublicInternet]:
    internet = PublicInternet(site)
    policy = FetchPolicy(min_interval=0, allow_private=False, total_timeout=5)
    return Fetcher(policy, resolve=fake_dns(names), transport=internet), internet


# --- what a fetch brings back -------------------------------------------------------------


def test_a_fetch_gives_the_body_and_what_the_server_said_of_it(site, fetcher):
    body = "<html><body><p>日米外相会談</p></body></html>".encode("cp932")
    site.route(
        "/press/123.html",
        body,
        content_type='text/html; charset="Shift_JIS"',
        etag='"abc"',
        last_modified="Thu, 02 May 2024 01:00:00 GMT",
    )
    response = fetcher.get(site.url("/press/123.html"))
    assert response.url == site.url("/press/123.html")
    assert (response.status, response.content_type, response.charset) == (
        200,
        "text/html",
        "shift_jis",
    )
    assert response.body == body
    assert (response.etag, response.last_modified) == ('"abc"', "Thu, 02 May 2024 01:00:00 GMT")
    assert response.fetched_at.tzinfo == dt.UTC and response.fetched_at.microsecond == 0
    assert abs((dt.datetime.now(dt.UTC) - response.fetched_at).total_seconds()) < 5


def test_secbrief_names_itself_and_what_it_accepts(site, fetcher):
    site.route("/page.html", "<p>hello</p>")
    fetcher.get(site.url("/page.html"))
    fetcher.get(site.url("/page.html"), accept="application/pdf")
    first, second = site.requests_for("/page.html")
    agent = first.headers["user-agent"]
    assert agent == FetchPolicy().user_agent
    assert agent.startswith("secbrief/") and "https://github.com/secbrief/secbrief" in agent
    assert (
        "application/rss+xml" in first.headers["accept"] and "text/html" in first.headers["accept"]
    )
    assert second.headers["accept"] == "application/pdf"
    assert site.requests_for("/robots.txt")[0].headers["user-agent"] == agent


def test_a_missing_content_type_is_told_by_the_content(site, fetcher):
    site.route("/report", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", content_type=None)
    site.route(
        "/feed", b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', content_type=None
    )
    site.route("/download.pdf", b"%PDF-1.7\n", content_type="application/octet-stream")
    site.route("/blob", b"\x00\x01\x02 binary", content_type=None)
    assert fetcher.get(site.url("/report")).content_type == "application/pdf"
    assert fetcher.get(site.url("/feed")).content_type == "application/rss+xml"
    assert fetcher.get(site.url("/download.pdf")).content_type == "application/pdf"
    with pytest.raises(FetchError) as refused:
        fetcher.get(site.url("/blob"))
    assert refused.value.reason == (
        "content type missing is not a release (HTML, XML feed, PDF or plain text)"
    )


def test_a_content_type_that_is_no_release_is_refused(site, fetcher):
    site.route("/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png")
    with pytest.raises(FetchError) as refused:
        fetcher.get(site.url("/logo.png"))
    assert refused.value.reason == (
        "content type image/png is not a release (HTML, XML feed, PDF or plain text)"
    )
    assert refused.value.url == site.url("/logo.png")


# --- conditional requests -------------------------------------------------------------------


def test_an_unchanged_etag_gives_304_and_no_body(site, fetcher):
    site.route(
        "/feed.xml", b"<rss version='2.0'/>", content_type="application/rss+xml", etag='"v1"'
    )
    first = fetcher.get(site.url("/feed.xml"))
    again = fetcher.get(site.url("/feed.xml"), etag=first.etag)
    assert (first.status, first.etag) == (200, '"v1"')
    assert (again.status, again.body, again.etag) == (304, b"", '"v1"')
    assert site.requests_for("/feed.xml")[1].headers["if-none-match"] == '"v1"'
    site.route("/feed.xml", b"<rss version='2.0'>new</rss>", content_type="text/xml", etag='"v2"')
    changed = fetcher.get(site.url("/feed.xml"), etag='"v1"')
    assert (changed.status, changed.etag) == (200, '"v2"')
    assert changed.body.endswith(b"new</rss>")


def test_an_unchanged_last_modified_gives_304(site, fetcher):
    stamp = "Thu, 02 May 2024 01:00:00 GMT"
    site.route("/list.html", "<ul></ul>", last_modified=stamp)
    first = fetcher.get(site.url("/list.html"))
    again = fetcher.get(site.url("/list.html"), last_modified=first.last_modified)
    assert (again.status, again.body, again.last_modified) == (304, b"", stamp)
    assert site.requests_for("/list.html")[1].headers["if-modified-since"] == stamp
    older = fetcher.get(site.url("/list.html"), last_modified="Wed, 01 May 2024 00:00:00 GMT")
    assert older.status == 200


# --- redirects --------------------------------------------------------------------------------


def test_relative_and_absolute_redirects_are_followed(site, fetcher):
    site.redirect("/old/a", "b")  # relative to /old/
    site.redirect("/old/b", site.url("/new/c"), status=302)  # absolute
    site.redirect("/new/c", "/final.html", status=308)  # root-relative
    site.route("/final.html", "<p>here</p>")
    response = fetcher.get(site.url("/old/a"))
    assert response.url == site.url("/final.html")
    assert response.body == b"<p>here</p>"
    paths = [p for p in site.paths() if p != "/robots.txt"]
    assert paths == ["/old/a", "/old/b", "/new/c", "/final.html"]


def test_five_redirects_are_followed_and_six_are_not(site, fetcher):
    for n in range(6):
        site.redirect(f"/r{n}", f"/r{n + 1}")
    site.route("/r6", "<p>end</p>")
    assert fetcher.get(site.url("/r1")).url == site.url("/r6")  # five redirects
    with pytest.raises(FetchError) as refused:
        fetcher.get(site.url("/r0"))  # six
    assert refused.value.reason == "too many redirects (more than 5)"
    site.redirect("/loop", "/loop")
    with pytest.raises(FetchError, match="too many redirects"):
        fetcher.get(site.url("/loop"))


@pytest.mark.parametrize(
    ("location", "said"),
    [
        ("{site}/secret", "127.0.0.1 is a loopback address"),
        ("http://10.0.0.1/admin", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[::ffff:192.168.0.1]/", "private address"),
        ("http://2130706433/", "2130706433 (127.0.0.1) is a loopback address"),
        ("http://intranet.example/", "intranet.example resolves to 192.168.1.10"),
        ("file:///etc/passwd", "only http and https URLs are fetched, not file:"),
    ],
)
def test_a_redirect_from_a_public_host_to_a_private_one_is_refused(site, location, said):
    """The first hop is a public host (fake DNS, carried here by PublicInternet); its redirect
    to a private address is refused before any connection, so /secret is never asked for."""
    target = location.format(site=site.url("").rstrip("/"))
    site.redirect("/start", target, status=302)
    site.route("/secret", "the intranet's secrets")
    names = {"news.example": PUBLIC_IP, "intranet.example": "192.168.1.10"}
    fetcher, internet = public_fetcher(site, names)
    with fetcher, pytest.raises(UnsafeURL) as refused:
        fetcher.get("http://news.example/start")
    assert refused.value.url == "http://news.example/start"
    assert refused.value.reason.startswith("redirect to ")
    assert " refused: " in refused.value.reason
    assert said in refused.value.reason
    assert "/secret" not in site.paths()
    assert set(internet.addresses) == {PUBLIC_IP}


def test_a_public_host_is_reached_at_the_address_that_was_checked(site):
    """The request goes to the address the check saw, with the name in the Host header: a name
    that resolved to something else a moment later (DNS rebinding) is never looked up again."""
    site.route("/release.html", "<p>public</p>")
    fetcher, internet = public_fetcher(site, {"news.example": PUBLIC_IP})
    with fetcher:
        response = fetcher.get("http://news.example/release.html")
    assert (response.url, response.body) == ("http://news.example/release.html", b"<p>public</p>")
    assert internet.addresses == [PUBLIC_IP, PUBLIC_IP]  # robots.txt, then the page
    assert site.requests_for("/release.html")[0].headers["host"] == "news.example"


def test_a_private_address_is_refused_unless_allowed(site):
    site.route("/page.html", "<p>local</p>")
    with Fetcher(FetchPolicy(min_interval=0)) as strict, pytest.raises(UnsafeURL):
        strict.get(site.url("/page.html"))
    assert site.paths() == []
    with Fetcher(FAST) as lenient:
        assert lenient.get(site.url("/page.html")).status == 200


def test_a_name_is_tried_at_each_of_its_addresses(site):
    site.route("/page.html", "<p>local</p>")
    names = {"twohomes.test": ["127.0.0.2", "127.0.0.1"]}  # nothing listens on .2:port
    with Fetcher(FAST, resolve=fake_dns(names)) as fetcher:
        url = f"http://twohomes.test:{site.port}/page.html"
        assert fetcher.get(url).body == b"<p>local</p>"
    assert site.requests_for("/page.html")[0].headers["host"] == f"twohomes.test:{site.port}"


# --- check_url --------------------------------------------------------------------------------

NOT_PUBLIC = [
    "http://10.0.0.1/",
    "http://10.255.255.254/x",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.1.1/",
    "https://192.168.0.10:8443/feed",
    "http://127.0.0.1/",
    "http://127.8.9.10:8080/",
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.1.1/",
    "http://100.64.0.1/",
    "http://100.127.255.254/",
    "http://0.0.0.0/",
    "http://0.1.2.3/",
    "http://224.0.0.1/",
    "http://239.255.255.250:1900/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://[::1]/",
    "http://[::]/",
    "http://[fc00::1]/",
    "http://[fd12:3456:789a::1]/",
    "http://[fe80::1]/",
    "http://[ff02::1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:127.0.0.1]:8080/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::10.0.0.1]/",
    "http://[2002:a00:1::]/",  # 6to4 around 10.0.0.1
    "http://[64:ff9b::a00:1]/",  # NAT64 around 10.0.0.1
    "http://2130706433/",  # 127.0.0.1 as one number
    "http://0x7f000001/",
    "http://0x7f.1/",
    "http://017700000001/",
    "http://127.1/",
    "http://0/",
    "http://0177.0.0.1/",
]


@pytest.mark.parametrize("url", NOT_PUBLIC)
def test_check_url_refuses_every_address_that_is_not_public(url):
    with pytest.raises(UnsafeURL) as refused:
        check_url(url, allow_private=False, resolve=no_dns)
    assert refused.value.url == url
    assert "\n" not in refused.value.reason


@pytest.mark.parametrize(
    ("host", "addresses"),
    [
        ("intranet.example", "10.1.2.3"),
        ("metadata.example", "169.254.169.254"),
        ("rebind.example", ["93.184.216.34", "127.0.0.1"]),  # one bad address is enough
        ("v6.example", "fd00::1"),
    ],
)
def test_check_url_refuses_a_name_that_resolves_to_a_private_address(host, addresses):
    with pytest.raises(UnsafeURL, match=f"{host} resolves to"):
        check_url(f"https://{host}/news", allow_private=False, resolve=fake_dns({host: addresses}))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.com/release.txt",
        "gopher://example.com:70/_GET",
        "data:text/html,<h1>hi</h1>",
        "javascript:alert(1)",
        "ws://example.com/socket",
        "//example.com/no-scheme",
        "http:///no-host",
        "http://user:secret@example.com/",
        "http://user@example.com/",
    ],
)
def test_check_url_refuses_other_schemes_credentials_and_no_host(url):
    with pytest.raises(UnsafeURL):
        check_url(url, allow_private=True, resolve=fake_dns({"example.com": PUBLIC_IP}))


@pytest.mark.parametrize(
    "url",
    [
        "https://www.mofa.go.jp/mofaj/press/release/index.html",
        "http://93.184.216.34/",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/",
        "https://v6.example:8443/feed",
        "https://日本.example/ニュース",
    ],
)
def test_check_url_allows_public_addresses(url):
    names = {
        "www.mofa.go.jp": PUBLIC_IP,
        "v6.example": "2606:2800:220:1:248:1893:25c8:1946",
        "xn--wgv71a.example": PUBLIC_IP,
    }
    check_url(url, allow_private=False, resolve=fake_dns(names))


def test_check_url_says_when_a_host_does_not_resolve():
    with pytest.raises(FetchError) as failed:
        check_url("https://nowhere.example/", allow_private=False, resolve=fake_dns({}))
    assert not isinstance(failed.value, UnsafeURL)
    assert failed.value.reason == "cannot resolve host nowhere.example"


def test_allow_private_lets_local_addresses_through_but_not_other_schemes():
    check_url("http://127.0.0.1:8080/", allow_private=True, resolve=no_dns)
    check_url("http://10.0.0.1/", allow_private=True, resolve=no_dns)
    with pytest.raises(UnsafeURL):
        check_url("file:///etc/passwd", allow_private=True, resolve=no_dns)


# --- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, "HTTP 404 Not Found"),
        (403, "HTTP 403 Forbidden"),
        (500, "HTTP 500 Internal Server Error"),
        (503, "HTTP 503 Service Unavailable"),
    ],
)
def test_an_error_status_is_the_reason(site, fetcher, status, reason):
    site.route("/page.html", "<p>error</p>", status=status)
    with pytest.raises(FetchError) as failed:
        fetcher.get(site.url("/page.html"))
    assert failed.value.reason == reason


def test_an_error_after_a_redirect_says_where(site, fetcher):
    site.redirect("/moved", "/gone")
    with pytest.raises(FetchError) as failed:
        fetcher.get(site.url("/moved"))
    assert failed.value.reason == f"HTTP 404 Not Found (at {site.url('/gone')})"


def test_a_slow_server_times_out(site):
    site.route("/slow", "<p>late</p>", delay=3)
    site.route("/drip", b"x" * 400, drip=(10, 0.05))  # 2 s in all, a little at a time
    policy = FetchPolicy(min_interval=0, allow_private=True, total_timeout=1)
    with Fetcher(policy) as fetcher:
        for path in ("/slow", "/drip"):
            started = time.monotonic()
            with pytest.raises(FetchError) as failed:
                fetcher.get(site.url(path))
            assert failed.value.reason == "timed out after 1 s"
            assert time.monotonic() - started < 1.8


def test_a_body_larger_than_the_limit_is_refused(site):
    site.route("/big", b"a" * 5000)
    site.route("/big-unannounced", b"a" * 5000, content_length=False)
    site.route("/fits", b"a" * 1000)
    policy = FetchPolicy(min_interval=0, allow_private=True, max_bytes=1000)
    with Fetcher(policy) as fetcher:
        for path in ("/big", "/big-unannounced"):
            with pytest.raises(FetchError) as failed:
                fetcher.get(site.url(path))
            assert failed.value.reason == "response larger than 1000 bytes limit"
        assert len(fetcher.get(site.url("/fits")).body) == 1000


def test_a_body_announced_too_large_is_refused_before_it_is_read(site, fetcher):
    announced = {"Content-Length": str(30 * 1024 * 1024)}  # a lie: the body is short
    site.route("/huge.pdf", b"%PDF-1.4\n", headers=announced, content_length=False)
    with pytest.raises(FetchError) as failed:
        fetcher.get(site.url("/huge.pdf"))
    assert failed.value.reason == "response larger than 20 MB limit"


def test_a_closed_port_is_connection_refused(fetcher):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as failed:
        fetcher.get(f"http://127.0.0.1:{port}/")
    assert failed.value.reason == "connection refused (fetching robots.txt)"
    bare = Fetcher(FetchPolicy(min_interval=0, allow_private=True, respect_robots=False))
    with bare, pytest.raises(FetchError) as failed:
        bare.get(f"http://127.0.0.1:{port}/")
    assert failed.value.reason == "connection refused"


def test_tls_to_a_plain_http_server_fails_with_a_tls_reason(site):
    policy = FetchPolicy(min_interval=0, allow_private=True, respect_robots=False)
    with Fetcher(policy) as fetcher, pytest.raises(FetchError) as failed:
        fetcher.get(f"https://127.0.0.1:{site.port}/")
    assert failed.value.reason.startswith("TLS handshake failed")


# --- robots.txt -------------------------------------------------------------------------------


def test_robots_txt_disallow_is_obeyed_and_read_once(site, fetcher):
    site.robots("User-agent: *\nDisallow: /private/\n")
    site.route("/private/plan.html", "<p>no</p>")
    site.route("/press/1.html", "<p>yes</p>")
    site.route("/press/2.html", "<p>yes</p>")
    with pytest.raises(FetchError) as refused:
        fetcher.get(site.url("/private/plan.html"))
    assert refused.value.reason == "refused by robots.txt"
    assert fetcher.get(site.url("/press/1.html")).status == 200
    assert fetcher.get(site.url("/press/2.html")).status == 200
    assert len(site.requests_for("/robots.txt")) == 1
    assert "/private/plan.html" not in site.paths()


@pytest.mark.parametrize(
    ("robots", "path", "allowed"),
    [
        ("User-agent: secbrief\nDisallow: /\n\nUser-agent: *\nAllow: /\n", "/a.html", False),
        ("User-agent: otherbot\nDisallow: /\n", "/a.html", True),
        (
            "User-agent: *\nDisallow: /press/\nAllow: /press/release/\n",
            "/press/release/a.html",
            True,
        ),
        ("User-agent: *\nDisallow: /press/\nAllow: /press/release/\n", "/press/other.html", False),
        ("User-agent: *\nDisallow: /*.pdf$\n", "/files/a.pdf", False),
        ("User-agent: *\nDisallow: /*.pdf$\n", "/files/a.html", True),
        ("User-agent: *\nDisallow: /*?print=\n", "/a.html?print=1", False),
        ("User-agent: *\nDisallow:\n", "/a.html", True),
    ],
)
def test_robots_txt_rules_for_secbrief(site, fetcher, robots, path, allowed):
    site.robots(robots)
    site.route(path.split("?")[0], b"%PDF-1.4\n" if ".pdf" in path else b"<p>ok</p>")
    if allowed:
        assert fetcher.get(site.url(path)).status == 200
    else:
        with pytest.raises(FetchError, match=r"refused by robots\.txt"):
            fetcher.get(site.url(path))


@pytest.mark.parametrize(
    ("status", "allowed"), [(404, True), (403, True), (401, True), (503, False)]
)
def test_robots_txt_status_follows_rfc_9309(site, fetcher, status, allowed):
    """4xx: no robots.txt, everything allowed; 5xx: the site is closed to crawlers for now."""
    site.robots("User-agent: *\nDisallow: /\n", status=status)
    site.route("/a.html", "<p>a</p>")
    if allowed:
        assert fetcher.get(site.url("/a.html")).status == 200
    else:
        with pytest.raises(FetchError) as refused:
            fetcher.get(site.url("/a.html"))
        assert refused.value.reason == (
            "robots.txt answered HTTP 503 Service Unavailable, so the site is closed to crawlers "
            "for now"
        )
        assert "/a.html" not in site.paths()


def test_robots_txt_is_not_asked_for_when_the_policy_says_so(site):
    site.robots("User-agent: *\nDisallow: /\n")
    site.route("/a.html", "<p>a</p>")
    policy = FetchPolicy(min_interval=0, allow_private=True, respect_robots=False)
    with Fetcher(policy) as fetcher:
        assert fetcher.get(site.url("/a.html")).status == 200
    assert site.paths() == ["/a.html"]


# --- politeness -------------------------------------------------------------------------------


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_one_request_a_second_per_host(site):
    site.route("/a.html", "<p>a</p>")
    other = TestSite().start()
    other.route("/b.html", "<p>b</p>")
    fake = FakeTime()
    policy = FetchPolicy(allow_private=True, respect_robots=False)  # min_interval 1 s
    try:
        with Fetcher(policy, clock=fake.clock, sleep=fake.sleep) as fetcher:
            fetcher.get(site.url("/a.html"))
            fetcher.get(site.url("/a.html"))
            assert fake.sleeps == [1.0]
            fetcher.get(other.url("/b.html"))  # another host: no wait
            assert fake.sleeps == [1.0]
            fake.now += 0.4
            fetcher.get(site.url("/a.html"))
            assert fake.sleeps == pytest.approx([1.0, 0.6])
            fake.now += 5
            fetcher.get(site.url("/a.html"))
            assert len(fake.sleeps) == 2
    finally:
        other.close()


def test_requests_to_one_host_are_spaced_robots_txt_included(site):
    site.route("/a.html", "<p>a</p>")
    site.redirect("/moved", "/a.html")
    policy = FetchPolicy(min_interval=0.3, allow_private=True)
    with Fetcher(policy) as fetcher:
        fetcher.get(site.url("/a.html"))
        fetcher.get(site.url("/moved"))  # a redirect hop is a request too
    times = [r.time for r in site.requests]
    assert [r.path for r in site.requests] == ["/robots.txt", "/a.html", "/moved", "/a.html"]
    assert all(later - earlier >= 0.25 for earlier, later in itertools.pairwise(times))


def test_robots_txt_crawl_delay_is_obeyed(site):
    site.robots("User-agent: *\nCrawl-delay: 3\n")
    site.route("/a.html", "<p>a</p>")
    fake = FakeTime()
    policy = FetchPolicy(min_interval=0, allow_private=True)
    with Fetcher(policy, clock=fake.clock, sleep=fake.sleep) as fetcher:
        fetcher.get(site.url("/a.html"))
    assert fake.sleeps == [3.0]


def test_the_site_fixture_allows_private_urls_for_the_settings(site):
    import os

    assert os.environ["SECBRIEF_ALLOW_PRIVATE_URLS"] == "1"


# --- TLS ----------------------------------------------------------------------------------------


@pytest.fixture
def tls_site(tmp_path):
    """An HTTPS site whose certificate names secure.test only (a throwaway CA-less cert)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
         "-subj", "/CN=secure.test", "-addext", "subjectAltName=DNS:secure.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    with TestSite(tls=server) as running:
        running.route("/a.html", "<p>secure</p>")
        yield running, str(cert)


def test_https_is_verified_against_the_name_though_the_address_is_pinned(tls_site):
    """The request goes to the checked IP, yet TLS sends and verifies the host name (SNI), and
    a connection verified for one name never carries another name's request, though both
    names resolve to the same address (a pool per name)."""
    site, ca = tls_site
    names = {"secure.test": "127.0.0.1", "other.test": "127.0.0.1"}
    policy = FetchPolicy(min_interval=0, allow_private=True, respect_robots=False, ca_bundle=ca)
    with Fetcher(policy, resolve=fake_dns(names)) as fetcher:
        response = fetcher.get(f"https://secure.test:{site.port}/a.html")
        assert (response.status, response.body) == (200, b"<p>secure</p>")
        for url in (f"https://other.test:{site.port}/a.html", site.url("/a.html")):
            with pytest.raises(FetchError) as refused:
                fetcher.get(url)
            assert refused.value.reason.startswith("TLS certificate not accepted (")
            assert "mismatch" in refused.value.reason
