"""Read the config file and the commit that last changed it through the project's GitHub client."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import quote

from bot.config.sections.source import ConfigSourceConfig
from bot.github.client import GitHubClient, Response
from bot.github.errors import GitHubError


class FileRefused(Exception):
    """The file cannot be read as a config at all (missing, too large, not text); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RepoFile:
    """The file's text and its blob sha at one ref."""

    text: str
    blob_sha: str


@dataclass(frozen=True)
class CommitInfo:
    """A commit: its sha, who made it, and its page on GitHub."""

    sha: str
    author: str | None
    url: str | None


def label(source: ConfigSourceConfig) -> str:
    """How problems name the repository file: ``owner/name:path``."""
    return f"{source.repo}:{source.path}"


class RepoFileReader:
    """GETs of the contents and commits endpoints; ``etag`` makes an unchanged head cost nothing."""

    def __init__(self, client: GitHubClient, source: ConfigSourceConfig) -> None:
        self.client = client
        self.source = source
        self.etag: str | None = None

    def _contents_url(self, repo: str | None = None) -> str:
        return f"/repos/{repo or self.source.repo}/contents/{quote(self.source.path)}"

    def read_sync(self, ref: str) -> RepoFile:
        """The file at ``ref`` (blocking; start-up uses it before the event loop runs the bot)."""
        return self._decode(self._get_sync(ref))

    def _get_sync(self, ref: str) -> Response:
        try:
            return self.client.call("GET", self._contents_url(), params={"ref": ref})
        except GitHubError as exc:
            raise self._missing(exc, ref) from exc

    async def read(self, ref: str, *, conditional: bool = False) -> RepoFile | None:
        """The file at ``ref``; with ``conditional``, None when unchanged since the last read (a 304)."""
        headers = {"If-None-Match": self.etag} if conditional and self.etag else None
        try:
            resp = await self.client.request(
                "GET", self._contents_url(), params={"ref": ref}, headers=headers
            )
        except GitHubError as exc:
            raise self._missing(exc, ref) from exc
        if resp.status == 304:
            return None
        found = self._decode(resp)
        if conditional:
            self.etag = resp.etag
        return found

    def _missing(self, exc: GitHubError, ref: str) -> Exception:
        if exc.status == 404:
            return FileRefused(f"{self.source.path} does not exist at {ref} in {self.source.repo}")
        return exc

    def _decode(self, resp: Response) -> RepoFile:
        data = resp.data if isinstance(resp.data, dict) else {}
        if data.get("type", "file") != "file":
            raise FileRefused(f"{self.source.path} is not a file")
        size = int(data.get("size") or 0)
        # Checked before decoding: a 10 MB file is refused without being read into memory twice.
        if size > self.source.max_bytes or data.get("encoding") != "base64":
            raise FileRefused(
                f"{self.source.path} is {size} bytes; the limit is {self.source.max_bytes} bytes"
            )
        try:
            text = base64.b64decode(str(data.get("content") or "")).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise FileRefused(f"{self.source.path} is not UTF-8 text") from None
        return RepoFile(text, str(data.get("sha") or ""))

    async def last_commit(self, ref: str) -> CommitInfo | None:
        """The newest commit reachable from ``ref`` that changed the file (None: none did)."""
        resp = await self.client.request(
            "GET",
            f"/repos/{self.source.repo}/commits",
            params={"sha": ref, "path": self.source.path, "per_page": 1},
        )
        return _commit(resp)

    def last_commit_sync(self, ref: str) -> CommitInfo | None:
        """`last_commit`, blocking."""
        resp = self.client.call(
            "GET",
            f"/repos/{self.source.repo}/commits",
            params={"sha": ref, "path": self.source.path, "per_page": 1},
        )
        return _commit(resp)


def _commit(resp: Response) -> CommitInfo | None:
    items = resp.data if isinstance(resp.data, list) else []
    if not items:
        return None
    item = items[0]
    author = (item.get("author") or {}).get("login") or ((item.get("commit") or {}).get("author") or {}).get(
        "name"
    )
    return CommitInfo(str(item.get("sha")), author, item.get("html_url"))
