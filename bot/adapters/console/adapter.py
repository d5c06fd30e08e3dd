"""Console adapter: reads command lines from a terminal, a file or stdin, prints replies as text."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from bot.adapters.console.files import FileShelf
from bot.adapters.console.forms import ConsoleForm
from bot.adapters.console.journal import PostJournal
from bot.adapters.console.render import ButtonBook, render_console
from bot.core.adapter import GroupChange
from bot.core.dispatch import Dispatcher, PlatformUser
from bot.core.events import MemberJoined
from bot.core.messages import File, Form, Image, Message
from bot.core.post_keys import KeyedSend, LookupImpossible
from bot.i18n import Catalog, Translate

log = logging.getLogger(__name__)
PLATFORM = "console"


@dataclass(frozen=True)
class ConsoleRecord:
    """One thing the console showed: a reply, a DM, a channel post or a topic change."""

    kind: str  # "reply" | "dm" | "post" | "topic" | "note"
    target: str  # user for replies/DMs, channel purpose for posts/topics
    text: str
    buttons: dict[str, int] = field(default_factory=dict)
    ephemeral: bool = False
    files: tuple[tuple[str, bytes], ...] = ()  # attached files (name, bytes), also saved to disk


class ConsoleAdapter:
    """A line-oriented chat: ``/gfi list`` runs a command, ``:join NAME`` simulates a join."""

    platform = PLATFORM
    group_kind = "group"  # what add_to_group joins: none: the terminal has none

    def __init__(
        self,
        catalog: Catalog,
        locale: str = "en",
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        operator: str = "operator",
        echo: bool = False,
        interactive: bool | None = None,
        read_input: bool = True,
        files_dir: Path | None = None,
        journal: Path | None = None,
        language_of: Callable[[str], Awaitable[str | None]] | None = None,
    ) -> None:
        self.catalog = catalog
        self.locale = locale  # the project's: what a channel post's reader reads
        # The language a console user chose (/steward language), else None; the console's own words
        # (form prompts, DM headers, where a file was saved) are written in it for that person.
        self.language_of = language_of
        self._languages: dict[str, str] = {}
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.operator = operator
        self.current = operator
        self.echo = echo
        self.interactive = self.stdin.isatty() if interactive is None else interactive
        self.book = ButtonBook()
        self.read_input = read_input
        self.shelf = FileShelf(files_dir)  # attached files and charts; a fresh temp dir when None
        self.transcript: list[ConsoleRecord] = []
        # Controls added by whoever runs the console (the demo's :merge and :run), and their help.
        self.extra_controls: dict[str, Callable[[str, str], Awaitable[str]]] = {}
        self.extra_help = ""
        # Keyed (scheduled) posts are also appended here, so a restarted bot knows what it showed.
        self.journal = PostJournal(journal) if journal is not None else None
        self._journal_turn = asyncio.Lock()  # one keyed post at a time holds the journal's file lock
        self.filling = ConsoleForm(self, self._t_for, self._submit)
        self._dispatcher: Dispatcher | None = None
        self._task: asyncio.Task[None] | None = None
        self.finished = asyncio.Event()

    # -- adapter protocol -------------------------------------------------
    async def start(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher
        self.print_line(self._t("core.console.welcome"))
        if self.read_input:
            self.start_reading()

    def start_reading(self) -> None:
        """Begin reading input lines. The CLI calls this once the whole app is up (``read_input=False``):
        a script's first line must not run while features are still starting."""
        if self._task is None:
            self._task = asyncio.create_task(self._read_loop(), name="console-input")

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.finished.set()

    async def health(self) -> dict[str, Any]:
        return {"ok": True}

    def channel_for(self, purpose: str) -> str | None:
        # The terminal is every channel at once; the purpose is printed with each post.
        return purpose

    async def post(self, channel_id: str, message: Message) -> str:
        self.emit("post", channel_id, message, header=f"[#{channel_id}]")
        return f"console:{channel_id}:{len(self.transcript)}"

    async def post_keyed(self, channel_id: str, message: Message, send: KeyedSend) -> list[str]:
        """Post once: the journal file is the console's history, written as the post is printed."""

        async def post(part: Message, key: str) -> str:
            journal = self.journal
            if journal is None:
                return await self.post(channel_id, part)
            async with self._journal_turn:
                with journal.locked():
                    found = journal.find(key)
                    if found is not None:  # sent by another instance since this one looked
                        return found
                    await self.post(channel_id, part)
                    # Right after the print: only a kill landing between the print and this write
                    # could leave a shown post unrecorded.
                    return journal.append(key, channel_id, self.transcript[-1].text)

        async def find(part: Message, key: str, since: datetime) -> str | None:
            if self.journal is None:
                raise LookupImpossible("the console keeps no transcript file (steward run --transcript)")
            return self.journal.find(key)

        return await send.run([message], post, find)

    async def send_dm(self, user_id: str, message: Message) -> bool:
        await self._learn_language(user_id)
        header = self._t_for(user_id)("core.console.dm_to", name=user_id)
        self.emit("dm", user_id, message, header=f"[{header}]")
        return True

    async def set_topic(self, channel_id: str, text: str) -> bool:
        self.transcript.append(ConsoleRecord("topic", channel_id, text))
        self.print_line(f"[#{channel_id} topic] {text}")
        return True

    async def add_to_group(self, user_id: str, group_id: str, reason: str) -> GroupChange:
        return GroupChange.UNSUPPORTED  # the terminal has no roles or channels to join

    async def remove_from_group(self, user_id: str, group_id: str, reason: str) -> GroupChange:
        return GroupChange.UNSUPPORTED

    # -- input ------------------------------------------------------------
    async def _read_loop(self) -> None:
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str] = asyncio.Queue()

        def read() -> None:
            # A daemon thread, not the default executor: a blocked readline must not hold up shutdown.
            while True:
                line = self.stdin.readline()
                loop.call_soon_threadsafe(lines.put_nowait, line)
                if not line:
                    return

        threading.Thread(target=read, name="console-stdin", daemon=True).start()
        try:
            while True:
                if self.interactive:
                    self.stdout.write(f"{self.current}> ")
                    self.stdout.flush()
                line = await lines.get()
                if not line:
                    break
                if not await self.handle_line(line.rstrip("\n")):
                    break
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("console input loop failed")
        finally:
            self.finished.set()

    async def handle_line(self, line: str) -> bool:
        """Handle one input line; False means quit."""
        assert self._dispatcher is not None
        await self._learn_language(self.current)
        stripped = line.strip()
        if self.filling.form is not None and not stripped.startswith(("/", ":")):
            # While a form is open a line is its answer, unless it is a command or a control: those
            # run as always and the form asks its question again (a leading "\" escapes "/" or ":").
            if self.echo:
                self.print_line(f"{self.current}> {line}")
            escaped = stripped[:1] == "\\" and stripped[1:2] in ("/", ":", "\\")
            await self.filling.answer(stripped[1:] if escaped else stripped)
            return True
        if not stripped or stripped.startswith("#"):
            return True
        if self.echo:
            self.print_line(f"{self.current}> {stripped}")
        pending = self.filling.form
        if stripped.startswith(":"):
            going_on = await self._control(stripped)
        else:
            text = stripped[1:] if stripped.startswith("/") else stripped
            user = self._user()
            await self._dispatcher.run_line(user, PLATFORM, text, _ConsoleResponder(self, user))
            await self._learn_language(self.current)  # the command may have been /steward language
            going_on = True
        if going_on and pending is not None and self.filling.form is pending:
            self.print_line(self._t("core.console.form_waiting"))
            self.filling.ask()
        return going_on

    async def _control(self, line: str) -> bool:
        assert self._dispatcher is not None
        name, _, arg = line[1:].partition(" ")
        arg = arg.strip()
        if name in ("quit", "exit", "q"):
            return False
        if name == "help":
            self.print_line(
                self._t("core.console.controls") + (f"\n{self.extra_help}" if self.extra_help else "")
            )
        elif name in self.extra_controls:
            self.print_line(await self.extra_controls[name](self.current, arg))
        elif name == "join" and not arg:
            self.print_line(self._t("core.console.join_needs_name"))
        elif name == "join":
            await self._dispatcher.publish(MemberJoined(PLATFORM, arg, arg, channel_id="welcome"))
            self.print_line(self._t("core.console.joined", name=arg))
        elif name == "as":
            self.current = arg or self.operator
            self.print_line(self._t("core.console.now_acting_as", name=self.current))
        elif name == "click" and not arg.isdigit():
            self.print_line(self._t("core.console.click_needs_number", value=arg))
        elif name == "click":
            button = self.book.buttons.get(int(arg))
            if button is None:
                self.print_line(self._t("core.console.no_button", number=arg))
            else:
                user = self._user()
                await self._dispatcher.run_action(
                    user, PLATFORM, button.action, button.value, _ConsoleResponder(self, user)
                )
        elif name == "cancel":
            cancelled = self.filling.cancel()
            self.print_line(self._t("core.console.form_cancelled" if cancelled else "core.console.no_form"))
        else:
            self.print_line(self._t("core.console.unknown_control", name=name))
        return True

    # -- forms ------------------------------------------------------------
    def begin_form(self, form: Form, user: PlatformUser) -> None:
        self.filling.begin(form, user)

    async def _submit(self, user: PlatformUser, form: Form, answers: dict[str, str]) -> dict[str, str] | None:
        assert self._dispatcher is not None
        responder = _ConsoleResponder(self, user)
        return await self._dispatcher.submit_form(user, PLATFORM, form.action, form.value, answers, responder)

    def record_form(self, form: Form, user: PlatformUser) -> None:
        """Keep a record of a form opened (scripted tests read it)."""
        questions = "\n".join(q.label for q in form.questions)
        self.transcript.append(ConsoleRecord("form", user.user_id, f"{form.title}\n{questions}"))

    # -- output -----------------------------------------------------------
    def _user(self) -> PlatformUser:
        return PlatformUser(PLATFORM, self.current, self.current, locale=None)

    def _t(self, key: str, **params: Any) -> str:
        """The console's own words for the person at the terminal (the user it acts as now)."""
        return self._t_for(self.current)(key, **params)

    def _t_for(self, user_id: str | None) -> Translate:
        """The console's own words for ``user_id`` (None: a channel's readers, the project's language)."""
        locale = self._languages.get(user_id, self.locale) if user_id is not None else self.locale
        return partial(self.catalog.translate, locale)

    async def _learn_language(self, user_id: str) -> None:
        if self.language_of is None:
            return
        chosen = await self.language_of(user_id)
        if chosen:
            self._languages[user_id] = chosen
        else:
            self._languages.pop(user_id, None)

    def note(self, user: str, text: str) -> None:
        """Print what the console itself tells the person filling a form, and record it (as a reply)."""
        self.transcript.append(ConsoleRecord("reply", user, text, ephemeral=True))
        self.print_line(text)

    def print_line(self, text: str) -> None:
        """Print ``text`` as a line of its own."""
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def emit(
        self, kind: str, target: str, message: Message, header: str = "", ephemeral: bool = False
    ) -> None:
        """Print a message and keep a structured record of it (scripted tests read the records)."""
        numbers: dict[str, int] = {}
        # A reply or a DM has one reader; a channel post is the project's.
        t = self._t_for(target if kind in ("reply", "dm") else None)
        text = render_console(message, self.book, numbers, save_image=partial(self._save_image, t))
        saved = self._save_files(message, t)
        if saved:
            text += "\n" + "\n".join(saved)
        files = tuple((b.filename, b.data) for b in message.blocks if isinstance(b, File))
        self.transcript.append(ConsoleRecord(kind, target, text, numbers, ephemeral, files))
        self.print_line((header + "\n" if header else "") + text)

    def _save_files(self, message: Message, t: Translate) -> list[str]:
        """Write attached files (the terminal cannot show them) and say where they are."""
        lines = []
        for block in message.blocks:
            if not isinstance(block, File):
                continue
            path = self.shelf.save(block.filename, block.data, unique=False)
            lines.append(t("core.console.file_saved", path=str(path)))
        return lines

    def _save_image(self, t: Translate, image: Image) -> str:
        """Write an image (a chart) to a file of its own and return the line that says where it is."""
        assert image.data is not None
        path = self.shelf.save(image.filename, image.data, unique=True)
        return t("core.console.image_saved", alt=image.alt, path=str(path))


class _ConsoleResponder:
    """Answers one console invocation by printing."""

    def __init__(self, adapter: ConsoleAdapter, user: PlatformUser) -> None:
        self.adapter = adapter
        self.user = user

    async def reply(self, message: Message, ephemeral: bool) -> None:
        self.adapter.emit("reply", self.user.user_id, message, ephemeral=ephemeral)

    async def defer(self, ephemeral: bool) -> None:
        return None

    async def send_dm(self, message: Message) -> bool:
        return await self.adapter.send_dm(self.user.user_id, message)

    async def open_form(self, form: Form) -> None:
        self.adapter.begin_form(form, self.user)
