"""Slack's v2 file upload, as the fake answers it: ``files.getUploadURLExternal``, one POST of the bytes
to the upload URL it returned, then ``files.completeUploadExternal`` to share the files in a channel.

What real Slack requires and the fake checks (docs.slack.dev/reference/methods/files.getUploadURLExternal
and files.completeUploadExternal): a non-empty ``filename`` (``invalid_arguments``), a ``length`` of at
least one byte (``missing_argument``), ``alt_txt`` of at most 1000 characters (``alt_txt_too_large``);
completion only of files whose bytes arrived (``file_not_found``) in a channel the bot may post to
(``channel_not_found`` / ``not_in_channel``). Two rules are the fake's reading, stricter than the
pages say: an upload URL takes one upload, and the bytes must be as long as the declared ``length``.

completeUploadExternal takes no ``metadata`` (its arguments: ``files`` with ids and titles,
``channel_id``/``channels``, ``initial_comment`` or ``blocks``, ``thread_ts``), so a share keeps no
key; ``conversations.history`` shows it as the bot's message with its ``files`` (id, name, title,
size), which is all a restarted bot can recognise it by.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.slack.records import ApiCall, Recorded

MAX_ALT_TXT = 1000


@dataclass
class FakeFile:
    """One file from the moment its upload URL was asked for."""

    id: str
    filename: str
    length: int
    alt_txt: str | None
    upload_key: str
    data: bytes | None = None
    title: str = ""
    shared_in: str | None = None


class FileEndpoints:
    """The three steps of an upload; shared files become a visible message via ``record``."""

    def __init__(
        self,
        base: Callable[[], str],
        calls: list[ApiCall],
        record: Callable[[Recorded], None],
        channel_error: Callable[[str], str | None],
        next_ts: Callable[[], str],
    ) -> None:
        self._base = base
        self._calls = calls
        self._record = record
        self._channel_error = channel_error
        self._next_ts = next_ts
        self.files: dict[str, FakeFile] = {}
        self._by_key: dict[str, FakeFile] = {}
        self._ids = itertools.count(1)

    def files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not filename:
            return {"ok": False, "error": "invalid_arguments"}
        if length < 1:
            return {"ok": False, "error": "missing_argument"}
        alt = args.get("alt_txt")
        if alt is not None and len(str(alt)) > MAX_ALT_TXT:
            return {"ok": False, "error": "alt_txt_too_large"}
        n = next(self._ids)
        file = FakeFile(f"F{n:08d}", filename, length, alt, f"U{n:04d}x{len(self.files)}")
        self.files[file.id] = file
        self._by_key[file.upload_key] = file
        return {"ok": True, "upload_url": f"{self._base()}/upload/v1/{file.upload_key}", "file_id": file.id}

    async def upload(self, request: web.Request) -> web.Response:
        """``POST`` of the bytes, raw or multipart; not a Web API method (no ``ok`` envelope)."""
        file = self._by_key.pop(request.match_info["key"], None)
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            data = b""
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
        else:
            data = await request.read()
        status = 200
        if file is None:
            status = 404  # unknown, or already used: an upload URL takes one upload
        elif len(data) != file.length:
            status = 400
        else:
            file.data = data
        self._calls.append(ApiCall("upload", {"key": request.match_info["key"], "bytes": len(data)}, status))
        return web.Response(status=status, text="OK" if status == 200 else "upload refused")

    def files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            wanted = json.loads(args.get("files") or "[]")
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(wanted, list) or not wanted:
            return {"ok": False, "error": "invalid_arguments"}
        found = [self.files.get(str(f.get("id"))) for f in wanted]
        if any(f is None or f.data is None or f.shared_in is not None for f in found):
            return {"ok": False, "error": "file_not_found"}
        channel = args.get("channel_id") or args.get("channels")
        if channel and (error := self._channel_error(str(channel))):
            return {"ok": False, "error": error}
        shared = [f for f in found if f is not None]
        for f, spec in zip(shared, wanted, strict=True):
            f.title = str(spec.get("title") or f.filename)
            f.shared_in = str(channel) if channel else ""
        if channel:
            comment = str(args.get("initial_comment") or "")
            self._record(
                Recorded(
                    "message",
                    str(channel),
                    None,
                    [],
                    comment,
                    ts=self._next_ts(),
                    files=[(f.filename, f.data or b"") for f in shared],
                    thread_ts=args.get("thread_ts"),
                    shared=[
                        {"id": f.id, "name": f.filename, "title": f.title, "size": f.length} for f in shared
                    ],
                )
            )
        return {
            "ok": True,
            "files": [{"id": f.id, "name": f.filename, "title": f.title, "size": f.length} for f in shared],
        }
