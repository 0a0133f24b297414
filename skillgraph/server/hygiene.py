"""HTTP hygiene: the public URL, trusted proxies, security headers, connection timeouts.

- Absolute URLs (VoID, the service description, the base of relative IRIs) are built from
  the configured public URL (``serve --public-url``, else the address bound), never from
  the client's Host header or X-Forwarded-* headers.  Those are believed only from the
  addresses given as ``--trusted-proxy``: then X-Forwarded-For names the client (for the
  per-client limits) and X-Forwarded-Proto the scheme.
- Every answer says ``X-Content-Type-Options: nosniff``; HTML pages carry a
  Content-Security-Policy (own scripts and styles only, no framing).
- A connection must send its request headers within ``header_timeout`` seconds
  (:class:`TimedH11Protocol`); idle keep-alive connections close after uvicorn's
  keep-alive timeout.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import ipaddress
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

# The query editor (static/vendor/yasgui; its table's column resizer) adds these fixed
# stylesheets as <style> elements, the first when a result table is drawn, the second
# while a column is dragged.  They are allowed by their hashes, not by 'unsafe-inline',
# so no other inline style runs; tests/test_query_editor.py checks that the vendored file
# still holds exactly these texts.
EDITOR_STYLES = (
    ' .grip-resizable{table-layout:fixed;} .grip-resizable > tbody > tr > td, .grip-r'
    'esizable > tbody > tr > th{overflow:hidden} .grip-padding > tbody > tr > td, .gr'
    'ip-padding > tbody > tr > th{padding-left:0!important; padding-right:0!important'
    ';} .grip-container{ height:0px; position:relative;} .grip-handle{margin-left:-5p'
    'x; position:absolute; z-index:5; } .grip-handle .grip-resizable{position:absolut'
    'e;background-color:red;filter:alpha(opacity=1);opacity:0;width:10px;height:100%;'
    'cursor: col-resize;top:0px} .grip-lastgrip{position:absolute; width:1px; } .grip'
    '-drag{ border-left:1px dotted black;\t} .grip-flex{width:auto!important;} .grip-h'
    'andle.grip-disabledgrip .grip-resizable{cursor:default; display:none;}',
    "*{cursor:col-resize!important}",
)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


CSP = (
    "default-src 'self'; script-src 'self'; "
    f"style-src 'self' {' '.join(_sha256(s) for s in EDITOR_STYLES)}; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def parse_public_url(url: str) -> tuple[str, str]:
    """``(scheme, host[:port])`` of a public URL; ValueError unless it is an http(s) origin."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"{url!r}: give the origin only, e.g. https://skills.example.org/")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"{url!r}: give the origin only, e.g. https://skills.example.org/")
    return parts.scheme, parts.netloc


class Networks:
    """Addresses and networks (``10.0.0.0/8``) of trusted proxies."""

    def __init__(self, specs: Sequence[str]) -> None:
        self.nets = [ipaddress.ip_network(s.strip(), strict=False) for s in specs]

    def __contains__(self, address: object) -> bool:
        try:
            ip = ipaddress.ip_address(str(address))
        except ValueError:
            return False
        return any(ip in net for net in self.nets)


class PublicURLMiddleware:
    """Put the configured scheme and host into every request; take the client address
    and scheme from X-Forwarded-* only when the peer is a trusted proxy."""

    def __init__(self, app: ASGIApp, public_url: str | None, trusted: Sequence[str]) -> None:
        self.app = app
        self.origin = parse_public_url(public_url) if public_url else None
        self.trusted = Networks(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        headers = [(k, v) for k, v in scope["headers"] if k != b"x-forwarded-host"]
        peer = (scope.get("client") or ("", 0))[0]
        if peer in self.trusted:
            found = dict(headers)
            hops = [h.strip() for h in found.get(b"x-forwarded-for", b"").decode("latin-1")
                    .split(",") if h.strip()]  # fmt: skip
            for hop in reversed(hops):  # the last address no trusted proxy vouches for
                if hop not in self.trusted:
                    scope["client"] = (hop, 0)
                    break
            proto = found.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
            if proto in ("http", "https"):
                scope["scheme"] = proto
        headers = [(k, v) for k, v in headers if not k.startswith(b"x-forwarded-")]
        if self.origin is not None:
            scheme, netloc = self.origin
            scope["scheme"] = scheme
            headers = [(k, v) for k, v in headers if k != b"host"]
            headers.append((b"host", netloc.encode()))
            host, _, port = netloc.rpartition(":") if netloc.count(":") == 1 else (netloc, "", "")
            default = 443 if scheme == "https" else 80
            scope["server"] = (host or netloc, int(port) if port.isdigit() else default)
        scope["headers"] = headers
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    """nosniff on every answer; the CSP and frame-ancestors on HTML pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                ctype = dict(headers).get(b"content-type", b"")
                if ctype.startswith(b"text/html"):
                    headers.append((b"content-security-policy", CSP.encode()))
                    headers.append((b"x-frame-options", b"DENY"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class TimedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's headers.

    uvicorn closes a keep-alive connection idle between requests, but waits forever for
    a request's first bytes and for headers sent a byte at a time (measured: 200 such
    connections held 30 s).  Here the headers must be complete ``header_timeout``
    seconds after the connection opens or the previous answer ends.
    """

    header_timeout = 20.0
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if (self.cycle is None or self.cycle.response_complete) and not (
            self.transport.is_closing()
        ):
            self.transport.close()

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not None and self.cycle is not before:
            self._disarm()  # a request's headers are in

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def timed_protocol(header_timeout: float) -> type[TimedH11Protocol]:
    return type("TimedH11", (TimedH11Protocol,), {"header_timeout": header_timeout})
