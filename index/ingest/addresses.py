"""Which URLs secbrief may fetch: http(s) only, no credentials, and (unless private addresses
are allowed) no host on a private network, however the address is written or resolved.

:func:`check_url` is the rule; :func:`checked` also returns the addresses it allowed, so the
fetcher connects to the very address that was checked (DNS rebinding gains nothing).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.parse
from collections.abc import Callable
from typing import Any

import httpx

from index.errors import FetchError, UnsafeURL

Resolver = Callable[..., Any]  # the shape of socket.getaddrinfo(host, port, family, type)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_IPV4_NUMBERS = re.compile(r"(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?", re.I)
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_PRIVATE = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
_METADATA = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


def check_url(url: str, *, allow_private: bool, resolve: Resolver = socket.getaddrinfo) -> None:
    """Refuse a URL secbrief must not fetch.

    Args:
        url: the URL as an admin or a page gave it.
        allow_private: allow hosts on private networks (loopback, 10/8, ...).
        resolve: the name lookup, ``socket.getaddrinfo``'s shape (tests pass a fake).

    Raises:
        UnsafeURL: not http(s), no host, a user name or password in it, or (unless
            ``allow_private``) the host is, or resolves to, any address that is not public:
            private, loopback, link-local (cloud metadata included), shared (100.64/10),
            multicast, reserved, unspecified, or such an IPv4 address wrapped in IPv6.
        FetchError: the host name does not resolve.
    """
    checked(url, allow_private=allow_private, resolve=resolve)


def checked(url: str, *, allow_private: bool, resolve: Resolver) -> tuple[httpx.URL, list[str]]:
    """The parsed URL and the addresses its host resolves to, all of them allowed."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise UnsafeURL(url, f"not a valid URL ({exc})") from exc
    if parsed.scheme not in ("http", "https"):
        scheme = f"{parsed.scheme}:" if parsed.scheme else "a URL without one"
        raise UnsafeURL(url, f"only http and https URLs are fetched, not {scheme}")
    if parsed.userinfo:
        raise UnsafeURL(url, "a URL with a user name or password is refused")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise UnsafeURL(url, "the URL has no host")
    literal = literal_ip(host)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = [literal] if literal is not None else _lookup(url, host, port, resolve)
    if not allow_private:
        for address in addresses:
            kind = _private_kind(address)
            if kind is None:
                continue
            a = "an" if kind[0] in "aeiou" else "a"
            if literal is None:
                raise UnsafeURL(url, f"{host} resolves to {address}, {a} {kind} address")
            label = str(address) if host.strip("[]") == str(address) else f"{host} ({address})"
            raise UnsafeURL(url, f"{label} is {a} {kind} address, not a public one")
    return parsed, [str(a) for a in addresses]


def literal_ip(host: str) -> IPAddress | None:
    """The address a host written as an IP stands for, in any form the C library accepts."""
    text = urllib.parse.unquote(host).strip("[]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if _IPV4_NUMBERS.fullmatch(text) and any(c.isdigit() for c in text):
        try:  # 2130706433, 0x7f.1, 0177.0.0.1: what inet_aton (and so the resolver) reads
            return ipaddress.IPv4Address(socket.inet_aton(text.rstrip(".")))
        except OSError:
            return None
    return None


def _lookup(url: str, host: str, port: int, resolve: Resolver) -> list[IPAddress]:
    try:
        infos = resolve(host, port, 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve host {host}") from exc
    found: list[IPAddress] = []
    for info in infos:
        try:
            address = ipaddress.ip_address(str(info[4][0]))
        except (ValueError, IndexError, TypeError):
            continue
        if address not in found:
            found.append(address)
    if not found:
        raise FetchError(url, f"cannot resolve host {host}")
    return found


def _private_kind(address: IPAddress) -> str | None:
    """What kind of non-public address this is, or None for a public one."""
    if address.is_unspecified or address in _THIS_NETWORK:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        kind = _private_kind(inner) if inner is not None else None
        if kind is not None:
            return kind
    if address in _METADATA:
        return "cloud metadata (link-local)"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address in _SHARED:
        return "shared (carrier-grade NAT)"
    if any(address in net for net in _PRIVATE):
        return "private"
    if address.is_private or address.is_reserved or not address.is_global:
        return "reserved"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, -compatible, 6to4, Teredo or NAT64 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or address in _V4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
