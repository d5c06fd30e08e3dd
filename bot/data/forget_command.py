"""``steward forget MEMBER``: find the person as the chat commands would, show what would go, ask,
then erase it in one transaction and print what was erased."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.config import StewardConfig
from bot.core.errors import UserError
from bot.core.people import NamedPerson, PersonResolver, maintainer_ids
from bot.counted import counted
from bot.data.archive import DataUsageError
from bot.data.forget import ForgetReport, Someone, forget

WAYS_TO_NAME = "name them as discord:ID, slack:ID, console:NAME, their GitHub login or a chat name they used"
# Where a bare name is looked for, after refs and GitHub logins (which every platform resolves alike).
NAME_PLATFORMS = ("console", "discord", "slack")


def find_person(session: Session, resolver: PersonResolver, text: str, now: datetime) -> NamedPerson:
    """The one person ``text`` names: ``discord:ID``/``slack:ID``/``console:name``, a GitHub login, or a
    chat name known on some platform. UserError (the resolver's) when nobody, or several people, match."""
    found: dict[int | str, NamedPerson] = {}
    unknown: UserError | None = None
    for platform in NAME_PLATFORMS:
        try:
            person = resolver.resolve(session, platform, text, now)
        except UserError as exc:
            if exc.key != "core.error.unknown_person":
                raise  # a group, or several people of that name: naming someone else will not help
            unknown = exc
            continue
        key = person.member_id if person.member_id is not None else (person.github_login or "").lower()
        found[key] = person
    if len(found) > 1:
        raise UserError("core.error.ambiguous_person", outside={"name": text})
    if not found:
        assert unknown is not None
        raise unknown
    return next(iter(found.values()))


def someone_of(config: StewardConfig, person: NamedPerson) -> Someone:
    """Everything that names ``person``, including the identities the ``maintainers`` section gives them."""
    identities = set(person.identities)
    login = person.github_login
    for entry in config.maintainers:
        ids = maintainer_ids(entry)
        same_login = bool(login and entry.github and entry.github.lower() == login.lower())
        if same_login or any(ids.get(platform) == uid for platform, uid in identities):
            identities.update(ids.items())
            login = login or entry.github
    return Someone.of(person.member_id, login, identities)


def describe(person: NamedPerson) -> str:
    """How the person is shown in the command's output."""
    ways = [f"{platform}:{uid}" for platform, uid in person.identities]
    if person.github_login:
        ways.append(f"GitHub {person.github_login}")
    return f"{person.display_name} ({', '.join(ways) or 'no identities'})"


def print_report(report: ForgetReport, *, planned: bool) -> None:
    """The rows erased (or to be erased), the rows they are cleared from, and what stays and why."""
    erase, clear = ("would erase", "would clear them from") if planned else ("erased", "cleared them from")
    for table, count in sorted(report.erased.items()):
        print(f"  {erase} {counted(count, 'row', 'rows')} of {table}")
    for table, count in sorted(report.detached.items()):
        print(f"  {clear} {counted(count, 'row', 'rows')} of {table}")
    if not report.total:
        print("  nothing stored about them" if planned else "  nothing was stored about them")
    if report.member_kept:
        print("  their member row stays, with only their name, for the published spotlight they approved")
    if planned:
        print("Kept on purpose:")
        for table, why in sorted(report.kept.items()):
            print(f"  {table}: {why}")


def cmd_forget(args: argparse.Namespace) -> int:
    """``steward forget MEMBER [--yes]``: 0 when erased, 1 when not confirmed, 2 for usage (nobody, a
    group or several people named so)."""
    from bot.app import App
    from bot.cli import resolve_config
    from bot.data.export import require_current_schema

    config, path = resolve_config(args)
    try:
        require_current_schema(config.database_url(), "")
    except DataUsageError as exc:
        print(f"steward forget: {exc}", file=sys.stderr)
        return 2
    # The app (never started) gives the same resolver as chat and registers the features' change hooks,
    # so tables derived from erased rows (the good-first-issue board) follow in the same transaction.
    app = App(config, config_path=path, run_migrations=False)
    resolver = PersonResolver(config, app.services.members)
    now = datetime.now(UTC)

    def run(session: Session) -> tuple[NamedPerson, ForgetReport]:
        person = find_person(session, resolver, args.member, now)
        return person, forget(session, someone_of(config, person))

    try:
        person, planned = _plan(app.db.engine, run)
        print(f"Forgetting {describe(person)}:")
        print_report(planned, planned=True)
        if not args.yes and not _confirmed(args.input):
            print("Nothing erased.", file=sys.stderr)
            return 1
        with app.db.session() as session:
            person, report = run(session)
        print(f"Forgot {describe(person)}:")
        print_report(report, planned=False)
        return 0
    except UserError as exc:
        if exc.key == "core.error.unknown_person":
            # Chat's wording asks for a mention, which a command line cannot give: say what it takes.
            print(f"steward forget: nobody known as {args.member!r}; {WAYS_TO_NAME}", file=sys.stderr)
            return 2
        message = app.catalog.translate(config.project.locale, exc.key, **exc.params, **exc.outside)
        print(f"steward forget: {message}", file=sys.stderr)
        return 2  # naming: nobody, a group, or several people
    finally:
        app.db.dispose()


def _plan(
    engine: Engine, run: Callable[[Session], tuple[NamedPerson, ForgetReport]]
) -> tuple[NamedPerson, ForgetReport]:
    """``run`` in a transaction that is always rolled back: what would be erased, without erasing it."""
    with Session(engine) as session:
        try:
            return run(session)
        finally:
            session.rollback()


def _confirmed(read: Callable[[str], str]) -> bool:
    try:
        answer = read("Erase this for good? Type 'yes' to go on: ")
    except EOFError:
        return False
    return answer.strip().lower() == "yes"
