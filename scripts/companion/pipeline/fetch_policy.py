"""Where a fetch may go, how much it may bring and how long it may take.

Everything a feed names is untrusted: its enclosure, transcript, chapters and new-feed-url, and
every redirect on the way to them. A hostile feed on a weekly runner would otherwise make the
runner read what only it can reach (a database on 127.0.0.1, a cloud metadata service on
169.254.169.254, a router on 192.168.0.1) and publish the answer. So (OWASP SSRF Prevention Cheat
Sheet, "application layer" defences):

- only `http` and `https` are fetched, on every hop (urllib would follow a redirect to `ftp://`);
- a connection may reach an address that is not globally routable (loopback, private, shared,
  link-local, reserved, multicast, unspecified: Python's `ipaddress` and the IANA special-purpose
  registries it encodes) only when that address is one of the feed's own host, so a feed served
  from this machine for tests, or a feed on the office network, still works. The check is made on
  the address each connection is about to use, after DNS, and the connection is made to that very
  address, so a name that resolves differently the second time (DNS rebinding) gains nothing.
  IPv4 addresses wrapped in IPv6 (`::ffff:127.0.0.1`, NAT64 `64:ff9b::a00:1`) are judged as IPv4.
- A feed read from a file on disk counts as hosted on this machine: its own host is loopback.
- What was asked for over https is not fetched over plain http (`Policy.check_clear`): not through
  a redirect, and, for a private feed read over https, not by a direct link either; the one
  exception is a public feed's audio redirected to a CDN's http address, followed with a note.

Each kind of download has a size bound (counted on decompressed bytes, as they arrive) and a time
bound for the whole fetch, headers included (`LIMITS`).

The policy of a run is set with `feed_host(source)` around it; outside any run nothing that is not
globally routable is reached (fail closed).
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import socket
import urllib.parse
from dataclasses import dataclass, field
from typing import Iterator

from companion.errors import PipelineError
from companion.pipeline import private_feed
from companion.urls import FETCHABLE_SCHEMES

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")         # RFC 6052 well-known prefix
_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))

MiB = 1024 * 1024


class Refused(PipelineError):
    """A URL or connection the policy does not allow; the message names the rule broken."""


class TooLarge(Refused):
    """A download that is, or announces it will be, larger than its kind's bound."""


@dataclass(frozen=True)
class Limit:
    """The bounds of one kind of download: bytes after decompression, seconds per fetch."""

    kind: str
    max_bytes: int
    deadline_s: float


# Feeds: the largest real feeds (20 years of a daily show, full show notes) are tens of MB.
# Transcripts: a 4-hour JSON transcript with word timings is ~10 MB. Chapters: kilobytes.
FEED = Limit("feed", 64 * MiB, 180.0)
TRANSCRIPT = Limit("transcript", 32 * MiB, 120.0)
CHAPTERS = Limit("chapters", 4 * MiB, 60.0)
PROBE = Limit("media type probe", 1 * MiB, 30.0)   # headers only: what a host serves at a URL
# Audio: a 4-hour WAV at 48 kHz 16-bit stereo is 2.6 GB; the bound is the declared or announced
# length with room to spare, never more than AUDIO_CEILING (see `audio_limit`).
AUDIO_CEILING = 3 * 1024 * MiB
AUDIO_FLOOR = 512 * MiB          # a feed's declared length is often wrong ("0", "1", one part)
AUDIO_DEADLINE_S = 3 * 3600.0    # at most; a .part left behind is resumed by the next run
AUDIO_MIN_DEADLINE_S = 600.0
AUDIO_MIN_RATE = 200_000         # bytes/s (1.6 Mbit/s) the deadline allows for the bound's bytes


def audio_limit(declared_bytes: int | None) -> Limit:
    """The bound for an episode's audio: twice the length the feed declares, at least AUDIO_FLOOR
    (feeds often declare a wrong length) and at most AUDIO_CEILING; as many seconds as that
    takes at AUDIO_MIN_RATE, between AUDIO_MIN_DEADLINE_S and AUDIO_DEADLINE_S."""
    room = max(AUDIO_FLOOR, 2 * declared_bytes) if declared_bytes else AUDIO_CEILING
    size = min(room, AUDIO_CEILING)
    seconds = min(max(size / AUDIO_MIN_RATE, AUDIO_MIN_DEADLINE_S), AUDIO_DEADLINE_S)
    return Limit("audio", size, seconds)


def _unwrapped(address: Address) -> Address:
    """The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, else `address`."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: Address) -> bool:
    """True for an address any host on the internet could reach (not loopback, private, shared,
    link-local, reserved, multicast or unspecified)."""
    address = _unwrapped(address)
    return address.is_global and not address.is_multicast


def _parse(text: str) -> Address:
    return _unwrapped(ipaddress.ip_address(text.split("%", 1)[0]))   # drop an IPv6 zone id


@dataclass(frozen=True)
class Policy:
    """Which addresses that are not public a fetch may reach: the feed's own host's."""

    own_addresses: frozenset[Address] = frozenset()
    own_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    feed_host: str = ""
    # The feed URL's user-info as (origin "scheme://host:port/", user, password), percent-decoded:
    # a private feed's HTTP Basic credentials, sent to that origin for its audio too (as podcast
    # apps do); never to another host. None when the feed URL has none.
    credentials: tuple[str, str, str] | None = field(default=None, repr=False)
    # Whether the feed is a private one (user-info, a token in its query or path: see
    # `private_feed`): its links may carry its secret, so nothing of it is fetched over plain http
    # once https was asked for.
    private: bool = False
    secure: bool = False          # the feed itself is read over https

    def check_clear(self, url: str, limit: Limit, redirected_from: str | None = None,
                    with_credentials: bool = False) -> bool:
        """The rule for plain http (RFC 9110 section 17.1: what crosses the network in clear can
        be read or replaced by anyone on the path; browsers' mixed-content rule): True when
        fetching `url` steps down from https to plain http and may (the caller says so to the
        maintainer), False when it is no step down, Refused when it may not.

        A step down is a redirect from an https address to an http one, or a direct http link
        named by a feed read over https. Allowed only for a public feed's audio, whose chains of
        tracking prefixes often end on a CDN's http address (podcast apps all follow them); a
        public feed's own direct http links (audio, transcripts, chapters) are what it asked
        for, fetched as they are. Refused: any step down for a feed document (a later page, a
        new address), for a private feed (its links carry its secret) or for a URL with
        credentials (its own user-info, or `with_credentials`: the fetch began with some), a
        public feed's direct links included."""
        scheme = urllib.parse.urlsplit(url.strip()).scheme.lower()
        source = (urllib.parse.urlsplit(redirected_from.strip()).scheme.lower()
                  if redirected_from else "https" if self.secure else "http")
        if scheme != "http" or source != "https":
            return False
        host = urllib.parse.urlsplit(url.strip()).hostname or ""
        # credentials anywhere in the fetch: the URL's own user-info (`http://user:pass@host/`,
        # sent as Basic credentials, RFC 7617 section 4: "not secure unless used with TLS"), the
        # fetch's first URL's, or the private feed's
        secret = bool(self.credentials or with_credentials or user_info(url)
                      or user_info(redirected_from or url))
        public_audio = limit.kind == "audio" and not (self.private or secret)
        if (redirected_from is None and not self.private and not secret
                and limit.kind != FEED.kind):
            return False                      # a public feed's own http link: as it is
        if redirected_from is not None and public_audio:
            return True
        how = "redirected from https:// down to" if redirected_from else "a plain-http link,"
        if secret and not self.private:
            raise Refused(f"{how} http://{host}/... with a user name and password, is not "
                          f"fetched for a {limit.kind} named by a feed read over https: the "
                          "password would cross the network in clear")
        raise Refused(f"{how} http://{host}/..., is not fetched for "
                      f"{'a private feed' if self.private else 'a ' + limit.kind} read over "
                      "https: what was asked for securely would cross the network in clear "
                      "(only a public feed's audio is followed down to http)")

    def allows(self, address: Address) -> bool:
        """Whether a connection to `address` (IPv4 or IPv6; an IPv4-mapped IPv6 address is read as IPv4)
        is allowed: a public address, or one of the feed's own addresses or networks."""
        address = _unwrapped(address)
        return (is_public(address) or address in self.own_addresses
                or any(address in net for net in self.own_networks))

    def check_scheme(self, url: str) -> None:
        """Raise Refused unless `url` is http or https. The message names the scheme and host
        only: a redirect's path and query can hold a private feed's session token."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme.lower() not in FETCHABLE_SCHEMES:
            where = (f"{parts.scheme}://{parts.hostname or ''}/..." if parts.scheme
                     else "a scheme-less address")
            raise Refused(f"{where} is not fetched: only http:// and https:// addresses are")

    def check_host(self, host: str, port: int) -> None:
        """For a request sent through a proxy (which makes the connection itself): raise Refused
        when `host` is, or resolves here to, an address the policy does not allow. A name this
        machine cannot resolve passes: behind a proxy, often only the proxy can."""
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return
        refused = sorted({info[4][0] for info in found if not self.allows(_parse(info[4][0]))})
        if refused:
            raise Refused(f"{host} resolves to {', '.join(refused)}, an address that is loopback, "
                          "private, link-local or otherwise reserved, which a feed may not make "
                          "us reach through the proxy")

    def addresses(self, host: str, port: int) -> list[tuple]:
        """getaddrinfo results for `host:port` that this policy lets a connection use, in DNS order.

        Raises Refused naming the host and its address when every address is refused, and
        OSError (socket.gaierror) when the name does not resolve."""
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        allowed = [info for info in found if self.allows(_parse(info[4][0]))]
        if not allowed:
            shown = ", ".join(sorted({info[4][0] for info in found}))
            where = f" (only the feed's own host {self.feed_host} may be)" if self.feed_host else ""
            raise Refused(f"{host} resolves to {shown}, an address that is loopback, private, "
                          f"link-local or otherwise reserved, which a feed may not make us "
                          f"reach{where}")
        return allowed


def origin(url: str) -> str:
    """`scheme://host[:port]/` of `url`, lower case, without user-info (RFC 6454's origin, as a
    URI prefix)."""
    parts = urllib.parse.urlsplit(url.strip())
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    return f"{parts.scheme.lower()}://{host}/"


def user_info(url: str) -> tuple[str, str, str] | None:
    """(origin, user, password) of a URL that holds user-info, percent-decoded (RFC 3986
    section 3.2.1: `p%40ss` is the password `p@ss`); None without."""
    parts = urllib.parse.urlsplit(url.strip())
    if "@" not in parts.netloc:
        return None
    return (origin(url), urllib.parse.unquote(parts.username or ""),
            urllib.parse.unquote(parts.password or ""))


def _resolved(host: str) -> frozenset[Address]:
    try:
        return frozenset(_parse(info[4][0]) for info in socket.getaddrinfo(host, None))
    except (OSError, UnicodeError):
        return frozenset()      # the feed fetch itself will say it cannot connect


def for_feed(source: str, private: bool = False) -> Policy:
    """The policy for a run whose feed is `source` (a URL, or a file on this machine); `private`
    when the feed was given as a secret (`$COMPANION_FEED`), whatever its URL looks like."""
    parts = urllib.parse.urlsplit(source.strip())
    if parts.scheme.lower() in FETCHABLE_SCHEMES and parts.hostname:
        return Policy(own_addresses=_resolved(parts.hostname), feed_host=parts.hostname,
                      credentials=user_info(source),
                      private=private or private_feed.is_private(source),
                      secure=parts.scheme.lower() == "https")
    return Policy(own_networks=_LOOPBACK, feed_host="this machine")


_current: contextvars.ContextVar[Policy] = contextvars.ContextVar("fetch_policy", default=Policy())


def current() -> Policy:
    """The policy of the run in progress (nothing reserved allowed outside a run)."""
    return _current.get()


@contextlib.contextmanager
def feed_host(source: str, private: bool = False) -> Iterator[Policy]:
    """Within the block, fetches may reach the feed's own host even at a reserved address
    (`private`: see `for_feed`)."""
    token = _current.set(for_feed(source, private))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
