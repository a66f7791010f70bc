"""Fetching releases over HTTP, safely and politely.

:func:`check_url` (:mod:`index.ingest.addresses`) refuses what secbrief must never fetch: a
scheme other than http(s), a URL with a user name or password, and (unless the policy allows
private addresses) a host on a private network however it is written (``http://2130706433/``,
``http://0x7f.1/``, ``http://[::ffff:10.0.0.1]/``) or whatever its name resolves to.

:class:`Fetcher` runs that check on every hop of a redirect chain and then connects to the very
address it checked (the request goes to the IP, with the name in the ``Host`` header and in
TLS), so a name that resolves to a public address for the check and to a private one a moment
later (DNS rebinding) gains nothing. It waits ``min_interval`` between two requests to one host,
obeys robots.txt (RFC 9309, :mod:`index.ingest.robots`), and cuts off slow, large or unsuitable
responses with a one-line reason (:class:`~index.errors.FetchError`) an admin can act on.
"""

from __future__ import annotations

import datetime as dt
import http
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from types import TracebackType

import httpx

from index.errors import FetchError, UnsafeURL
from index.ingest.addresses import Resolver, check_url, checked, literal_ip
from index.ingest.feeds import sniff_media_type
from index.ingest.robots import (
    MAX_CRAWL_DELAY,
    ROBOTS_MAX_BYTES,
    ROBOTS_RETRY,
    ROBOTS_TTL,
    Robots,
    parse_robots,
)

log = logging.getLogger(__name__)

__all__ = ["FetchPolicy", "Fetcher", "Response", "check_url"]


RELEASE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/pdf",
        "text/plain",
        "text/markdown",
    }
)
_UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream"})  # sniffed instead
DEFAULT_ACCEPT = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
    "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, application/pdf;q=0.8, "
    "text/plain;q=0.8, */*;q=0.1"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DRAIN_BYTES = 64 * 1024  # an unwanted body up to this size is read, to reuse the connection


@dataclass(frozen=True)
class FetchPolicy:
    """How secbrief fetches: who it says it is, how long and how much it waits for, and where."""

    user_agent: str = "secbrief/0.1 (+https://github.com/secbrief/secbrief)"
    connect_timeout: float = 10.0
    total_timeout: float = 60.0  # a whole request, redirects and body included (a site's
    # robots.txt, read once, is a request of its own); polite waits do not count
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    min_interval: float = 1.0  # seconds between two requests to one host (host:port)
    allow_private: bool = False  # SECBRIEF_ALLOW_PRIVATE_URLS=1: tests, intranets
    respect_robots: bool = True
    ca_bundle: str | None = None  # a PEM file of CAs to trust instead of certifi's (intranets)


@dataclass(frozen=True)
class Response:
    """What a fetch brought back.

    ``status`` is 200 (or another 2xx), or 304 when the conditional request found the page
    unchanged: then ``body`` is ``b""``, ``content_type`` is ``""`` and ``etag`` and
    ``last_modified`` are the server's, or else the ones sent.
    """

    url: str  # the final URL, after redirects
    status: int
    content_type: str  # lower-case media type without parameters ("text/html")
    charset: str | None  # from the Content-Type header, lower-case
    body: bytes
    etag: str | None
    last_modified: str | None
    fetched_at: dt.datetime  # UTC, whole seconds


class _Deadline:
    """The time left for one request; polite waits do not count against it."""

    def __init__(self, clock: Callable[[], float], seconds: float) -> None:
        self._clock = clock
        self.at = clock() + seconds

    def left(self) -> float:
        return self.at - self._clock()

    def extend(self, seconds: float) -> None:
        self.at += seconds


class _TooManyRedirects(FetchError):
    pass


class Fetcher:
    """One HTTP client that fetches releases (see the module docstring for what it checks).

    A Fetcher serves one call at a time: calls from several threads take turns (a lock), which
    is also what politeness asks. It keeps, for its lifetime, each site's robots.txt (a day at
    most) and the time of the last request to each host. Close it (or use it as a context
    manager) to close its connections.

    robots.txt follows RFC 9309: fetched once per scheme, host and port, through the same checks
    and redirects (at most ``max_redirects``) as any page; a 4xx answer, or redirects that lead
    nowhere allowed, means no rules (everything allowed); a 5xx answer or a network failure means
    the site is closed to secbrief for ``ROBOTS_RETRY`` seconds. Rules are read by
    ``urllib.robotparser`` for secbrief's user agent, with RFC 9309's longest match and
    wildcards added; ``Crawl-delay`` is obeyed up to ``MAX_CRAWL_DELAY`` seconds.

    Args:
        policy: timeouts, limits and what is allowed (default: :class:`FetchPolicy`).
        resolve: the name lookup used both for the address check and for connecting.
        sleep: waits between two requests to one host (tests pass a fake).
        clock: a monotonic clock in seconds, for the waits and the deadline.
        transport: an httpx transport all requests go through (default: a connection pool
            per host name); tests use one to carry a made-up public address to a local server.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolve: Resolver = socket.getaddrinfo,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._resolve = resolve
        self._sleep = sleep
        self._clock = clock
        self._client = httpx.Client(
            transport=transport or _PoolPerName(self.policy.ca_bundle),
            follow_redirects=False,
            trust_env=False,  # no proxy, netrc or certificate settings picked up from the env
            headers={"User-Agent": self.policy.user_agent},
            timeout=httpx.Timeout(self.policy.total_timeout, connect=self.policy.connect_timeout),
        )
        self._lock = threading.RLock()
        self._last: dict[str, float] = {}  # host:port -> clock time of the last request
        self._delays: dict[str, float] = {}  # host:port -> robots.txt Crawl-delay
        self._robots: dict[str, Robots] = {}  # scheme://host:port -> its robots.txt

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections; the Fetcher cannot be used afterwards."""
        self._client.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """Fetch ``url``, following redirects (each hop checked like ``url`` itself).

        Args:
            etag: the ETag of the copy held; sent as ``If-None-Match``.
            last_modified: the Last-Modified of the copy held; sent as ``If-Modified-Since``.
            accept: the ``Accept`` header (default: releases and feeds).

        Returns:
            The response: 2xx with the body, or 304 (unchanged) with an empty body.

        Raises:
            UnsafeURL: ``url`` or a redirect target is not allowed (see :func:`check_url`).
            FetchError: anything else that went wrong, with a one-line reason: an HTTP error
                status, a timeout, too large, a content type that is no release, too many
                redirects, robots.txt, the network.
        """
        headers = {"Accept": accept or DEFAULT_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with self._lock:
            deadline = _Deadline(self._clock, self.policy.total_timeout)
            with self._network_errors(url, deadline):
                final, response = self._follow(url, headers, deadline, robots=True)
                try:
                    return self._response(url, final, response, deadline, etag, last_modified)
                finally:
                    _discard(response)

    def _follow(
        self, url: str, headers: dict[str, str], deadline: _Deadline, *, robots: bool
    ) -> tuple[str, httpx.Response]:
        """The final URL and its response (open, body unread) after following redirects."""
        current = url
        for hop in range(self.policy.max_redirects + 1):
            try:
                target, addresses = checked(
                    current, allow_private=self.policy.allow_private, resolve=self._resolve
                )
            except UnsafeURL as exc:
                if hop == 0:
                    raise
                raise UnsafeURL(url, f"redirect to {current} refused: {exc.reason}") from exc
            except FetchError as exc:
                if hop == 0:
                    raise
                raise FetchError(url, f"redirect to {current}: {exc.reason}") from exc
            if robots and self.policy.respect_robots:
                self._obey_robots(url, target)
            response = self._send(url, target, addresses, headers, deadline)
            location = response.headers.get("location", "").strip()
            if response.status_code not in _REDIRECTS or not location:
                return current, response
            _discard(response)
            current = str(target.join(location).copy_with(fragment=None))
            log.debug("%s redirects to %s", target, current)
        raise _TooManyRedirects(url, f"too many redirects (more than {self.policy.max_redirects})")

    def _send(
        self,
        url: str,
        target: httpx.URL,
        addresses: list[str],
        headers: dict[str, str],
        deadline: _Deadline,
    ) -> httpx.Response:
        """Send one request to the checked addresses of ``target``, in turn until one answers."""
        self._wait_turn(_host_key(target), deadline)
        host = target.raw_host.decode("ascii")
        extensions = {}
        if target.scheme == "https" and literal_ip(host) is None:
            extensions["sni_hostname"] = host  # TLS names and verifies the host, not the IP
        failure: httpx.ConnectError | None = None
        for address in addresses:
            left = deadline.left()
            if left <= 0:
                raise FetchError(url, f"timed out after {self.policy.total_timeout:g} s")
            request = self._client.build_request(
                "GET",
                target,
                headers=headers,
                timeout=httpx.Timeout(left, connect=min(self.policy.connect_timeout, left)),
                extensions=extensions,
            )
            request.url = request.url.copy_with(host=address)  # Host header keeps the name
            log.debug("GET %s at %s", target, address)
            try:
                return self._client.send(request, stream=True)
            except httpx.ConnectError as exc:
                log.debug("cannot connect to %s at %s: %s", host, address, exc)
                failure = exc
        assert failure is not None  # addresses is never empty
        raise failure

    def _response(
        self,
        url: str,
        final: str,
        response: httpx.Response,
        deadline: _Deadline,
        etag: str | None,
        last_modified: str | None,
    ) -> Response:
        status = response.status_code
        fetched_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        got_etag = response.headers.get("etag")
        got_modified = response.headers.get("last-modified")
        if status == 304:
            etag, last_modified = got_etag or etag, got_modified or last_modified
            return Response(final, 304, "", None, b"", etag, last_modified, fetched_at)
        if not 200 <= status < 300:
            where = f" (at {final})" if final != url else ""
            raise FetchError(url, f"HTTP {status} {_phrase(status, response)}".rstrip() + where)
        media, charset = _media_type(response.headers.get("content-type", ""))
        if media not in RELEASE_TYPES and media not in _UNTYPED:
            raise FetchError(url, _not_a_release(media))
        body = self._body(url, response, deadline, self.policy.max_bytes)
        if media in _UNTYPED:
            sniffed = sniff_media_type(body)
            if sniffed is None:
                raise FetchError(url, _not_a_release(media or "missing"))
            media = sniffed
        return Response(final, status, media, charset, body, got_etag, got_modified, fetched_at)

    def _body(
        self,
        url: str,
        response: httpx.Response,
        deadline: _Deadline,
        limit: int,
        *,
        truncate: bool = False,
    ) -> bytes:
        """The body, read as it arrives: cut off at ``limit`` bytes and at the deadline."""
        declared = response.headers.get("content-length", "").strip()
        if not truncate and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"response larger than {_size(limit)} limit")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            if deadline.left() <= 0:
                raise FetchError(url, f"timed out after {self.policy.total_timeout:g} s")
            size += len(chunk)
            if size > limit:
                if not truncate:
                    raise FetchError(url, f"response larger than {_size(limit)} limit")
                chunks.append(chunk[: len(chunk) - (size - limit)])
                break
            chunks.append(chunk)
        return b"".join(chunks)

    def _wait_turn(self, key: str, deadline: _Deadline) -> None:
        """Sleep until ``key`` (host:port) may be asked again, and note the time of asking."""
        interval = max(self.policy.min_interval, self._delays.get(key, 0.0))
        last = self._last.get(key)
        if last is not None:
            wait = last + interval - self._clock()
            if wait > 0:
                log.debug("waiting %.2f s before asking %s again", wait, key)
                self._sleep(wait)
                deadline.extend(wait)
        self._last[key] = self._clock()

    def _obey_robots(self, url: str, target: httpx.URL) -> None:
        origin = f"{target.scheme}://{_host_key(target)}"
        robots = self._robots.get(origin)
        if robots is None or robots.expires <= self._clock():
            robots = self._load_robots(target)
            self._robots[origin] = robots
        if robots.closed is not None:
            raise FetchError(url, robots.closed)
        if not robots.allows(str(target), self.policy.user_agent):
            where = f" ({target.host})" if str(target) != url else ""
            raise FetchError(url, f"refused by robots.txt{where}")

    def _load_robots(self, target: httpx.URL) -> Robots:
        url = str(target.join("/robots.txt"))
        deadline = _Deadline(self._clock, self.policy.total_timeout)
        headers = {"Accept": "text/plain, */*;q=0.1"}
        try:
            with self._network_errors(url, deadline):
                _, response = self._follow(url, headers, deadline, robots=False)
                try:
                    status = response.status_code
                    body = b""
                    if 200 <= status < 300:
                        body = self._body(url, response, deadline, ROBOTS_MAX_BYTES, truncate=True)
                finally:
                    _discard(response)
        except (UnsafeURL, _TooManyRedirects) as exc:  # no robots.txt reachable: no rules
            log.info("no robots.txt for %s: %s", target.host, exc.reason)
            return Robots(None, None, self._clock() + ROBOTS_TTL)
        except FetchError as exc:  # the site is unreachable: its pages would fail alike
            log.info("robots.txt of %s unreadable: %s", target.host, exc.reason)
            return Robots(None, f"{exc.reason} (fetching robots.txt)", self._retry())
        if status >= 500:
            answer = f"HTTP {status} {_phrase(status, response)}".rstrip()
            reason = f"robots.txt answered {answer}, so the site is closed to crawlers for now"
            return Robots(None, reason, self._retry())
        if not 200 <= status < 300:  # 4xx (or a stray 1xx/3xx): robots.txt unavailable
            return Robots(None, None, self._clock() + ROBOTS_TTL)
        parser = parse_robots(body)
        delay = parser.crawl_delay(self.policy.user_agent)
        if delay:
            self._delays[_host_key(target)] = min(float(delay), MAX_CRAWL_DELAY)
        return Robots(parser, None, self._clock() + ROBOTS_TTL)

    def _retry(self) -> float:
        return self._clock() + ROBOTS_RETRY

    @contextmanager
    def _network_errors(self, url: str, deadline: _Deadline) -> Iterator[None]:
        """Turn httpx's exceptions into a FetchError with a short reason."""
        try:
            yield
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout) and deadline.left() > 0:
                reason = f"connection timed out after {self.policy.connect_timeout:g} s"
            else:
                reason = f"timed out after {self.policy.total_timeout:g} s"
            raise FetchError(url, reason) from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(url, _network_reason(exc)) from exc


class _PoolPerName(httpx.BaseTransport):
    """A connection pool per scheme and host name.

    Requests are sent to the pinned IP address, so a single pool would pool by address, and a
    connection opened (and its certificate verified) for one name could carry the request of
    another name on that address. With a pool per name it cannot.
    """

    def __init__(self, ca_bundle: str | None) -> None:
        if ca_bundle:
            self._ssl = ssl.create_default_context(cafile=ca_bundle)
        else:
            self._ssl = httpx.create_ssl_context(trust_env=False)  # certifi's CAs
        self._pools: dict[tuple[str, str], httpx.HTTPTransport] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.scheme, request.headers.get("host", "").lower())
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = httpx.HTTPTransport(verify=self._ssl, trust_env=False)
        return pool.handle_request(request)

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


def _discard(response: httpx.Response) -> None:
    """Close a response, reading a small unread body first so its connection can be reused."""
    length = response.headers.get("content-length", "").strip()
    if not response.is_stream_consumed and length.isdigit() and int(length) <= _DRAIN_BYTES:
        with suppress(httpx.HTTPError):
            response.read()
    response.close()


def _host_key(url: httpx.URL) -> str:
    host = url.raw_host.decode("ascii").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{url.port or (443 if url.scheme == 'https' else 80)}"


def _media_type(header: str) -> tuple[str, str | None]:
    """``("text/html", "shift_jis")`` from ``text/html; charset="Shift_JIS"``."""
    media, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return media.strip().lower(), charset


def _not_a_release(media: str) -> str:
    return f"content type {media} is not a release (HTML, XML feed, PDF or plain text)"


def _phrase(status: int, response: httpx.Response) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return response.reason_phrase


def _size(n: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def _network_reason(exc: Exception) -> str:
    """A short, readable reason for a network failure."""
    tls = _cause(exc, ssl.SSLError)
    if isinstance(tls, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted ({tls.verify_message or tls.reason})"
    if tls is not None:
        return f"TLS handshake failed ({tls.reason or tls})"
    text = " ".join(str(exc).split())[:160] or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        low = text.lower()
        if "refused" in low:
            return "connection refused"
        if "unreachable" in low:
            return "network unreachable"
        return f"cannot connect ({text})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke off the response ({text})"
    if isinstance(exc, httpx.DecodingError):
        return "cannot decode the compressed response"
    if isinstance(exc, httpx.InvalidURL):
        return f"invalid URL ({text})"
    return f"network error ({text})"


def _cause(exc: BaseException, kind: type[ssl.SSLError]) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
