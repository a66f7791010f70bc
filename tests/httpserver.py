"""A real HTTP server on 127.0.0.1 for tests: set routes, fetch them, read the request log.

    site = TestSite().start()
    site.route("/feed.xml", body=b"<rss ...>", content_type="application/rss+xml", etag='"v1"')
    site.redirect("/old", "/feed.xml", status=301)
    site.robots("User-agent: *\\nDisallow: /private/\\n")
    ... fetch site.url("/old") ...
    assert site.requests_for("/feed.xml")[0].headers["user-agent"].startswith("secbrief/")
    site.close()

A route answers GET (and HEAD) with its status, headers and body; ``etag``/``last_modified``
make it answer a matching ``If-None-Match``/``If-Modified-Since`` with 304. ``delay`` waits before
answering, ``drip=(n, seconds)`` sends the body ``n`` bytes at a time with pauses, and
``content_length=False`` sends it without a length, closing the connection at the end. A path
without a route answers 404 (so robots.txt is absent unless set).
"""

from __future__ import annotations

import email.utils
import ssl
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    drip: tuple[int, float] | None = None
    content_length: bool = True


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # with the query
    headers: dict[str, str]  # names in lower case
    time: float  # time.monotonic() when the request line arrived


class TestSite:
    """A threaded HTTP/1.1 server on a free port of 127.0.0.1."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        """``tls``: a server context (certificate loaded) to serve HTTPS instead of HTTP."""
        self.routes: dict[str, Route] = {}
        self.requests: list[LoggedRequest] = []
        self.scheme = "https" if tls is not None else "http"
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``, as in the URLs and the rate-limit key."""
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        path = path if path.startswith("/") else "/" + path
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def route(self, path: str, body: bytes | str = b"", **options: Any) -> None:
        """Answer ``path`` (with its query, if any) with ``body``; options are :class:`Route`'s."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body=body, **options)

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        """Answer ``path`` with a redirect to ``location``, written as given (relative or not)."""
        self.routes[path] = Route(status=status, headers={"Location": location}, content_type=None)

    def robots(self, text: str, status: int = 200) -> None:
        self.route("/robots.txt", text, status=status, content_type="text/plain")

    def requests_for(self, path: str) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def start(self) -> TestSite:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> TestSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _log(self, request: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError | ssl.SSLError):
            return  # the client gave up (a timeout or size test): expected
        super().handle_error(request, client_address)


def _handler_for(site: TestSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # an idle kept-alive connection ends after this

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            site._log(LoggedRequest(self.command, self.path, headers, time.monotonic()))
            route = site.routes.get(self.path) or site.routes.get(urlsplit(self.path).path)
            if route is None:
                route = Route(body=b"<h1>Not Found</h1>", status=404)
            if route.delay:
                time.sleep(route.delay)
            if _unchanged(route, headers):
                self.send_response(304)
                for name, value in _validators(route).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(route.status)
            if route.content_type is not None:
                self.send_header("Content-Type", route.content_type)
            for name, value in {**_validators(route), **route.headers}.items():
                self.send_header(name, value)
            if route.content_length:
                self.send_header("Content-Length", str(len(route.body)))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if send_body:
                self._send_body(route)

        def _send_body(self, route: Route) -> None:
            if route.drip is None:
                self.wfile.write(route.body)
                return
            size, pause = route.drip
            for start in range(0, len(route.body), size):
                self.wfile.write(route.body[start : start + size])
                self.wfile.flush()
                time.sleep(pause)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request log is site.requests

    return Handler


def _validators(route: Route) -> dict[str, str]:
    found = {}
    if route.etag is not None:
        found["ETag"] = route.etag
    if route.last_modified is not None:
        found["Last-Modified"] = route.last_modified
    return found


def _unchanged(route: Route, headers: dict[str, str]) -> bool:
    """Whether the request's validators match (RFC 9110: If-None-Match wins when present)."""
    if route.status != 200:
        return False
    if "if-none-match" in headers:
        tags = [t.strip() for t in headers["if-none-match"].split(",")]
        return route.etag is not None and (route.etag in tags or "*" in tags)
    since = headers.get("if-modified-since")
    if since and route.last_modified:
        try:
            asked = email.utils.parsedate_to_datetime(since)
            modified = email.utils.parsedate_to_datetime(route.last_modified)
        except (TypeError, ValueError):
            return False
        return modified <= asked
    return False
