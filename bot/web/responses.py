"""Turning a rendered page into a response: validators (ETag, Last-Modified), caching and security headers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web

# Pages load only their own stylesheet, script and images (plus the configured logo over https);
# no inline script or style is allowed, so injected markup cannot run or restyle anything.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


@dataclass(frozen=True)
class PageResult:
    """A rendered page: its bytes, type and when the data it shows last changed."""

    body: bytes
    content_type: str
    last_modified: datetime | None
    status: int = 200


def _http_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _not_modified(request: web.Request, etag: str, last_modified: datetime | None) -> bool:
    given = request.headers.get("If-None-Match")
    if given is not None:  # RFC 9110 13.1.2: If-None-Match wins over If-Modified-Since
        return any(tag.strip().removeprefix("W/") == etag for tag in given.split(",")) or given.strip() == "*"
    since = request.if_modified_since
    return since is not None and last_modified is not None and last_modified.replace(microsecond=0) <= since


def finish_page(request: web.Request, page: PageResult, max_age: int) -> web.Response:
    """The response for ``page``: 304 when the visitor's copy is current, else the page, with headers."""
    etag = '"' + hashlib.sha256(page.body).hexdigest()[:32] + '"'
    headers = dict(SECURITY_HEADERS)
    headers["ETag"] = etag
    headers["Cache-Control"] = f"public, max-age={max_age}"
    headers["Vary"] = "Accept-Language"
    if page.last_modified is not None:
        headers["Last-Modified"] = _http_date(page.last_modified)
    if page.status == 200 and _not_modified(request, etag, page.last_modified):
        return web.Response(status=304, headers=headers)
    charset = "utf-8" if page.content_type.startswith(("text/", "application/atom")) else None
    return web.Response(
        body=page.body, status=page.status, content_type=page.content_type, charset=charset, headers=headers
    )
