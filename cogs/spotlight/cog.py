"""The spotlight cog: the feature's entry point, composed of small parts.

The contributor's buttons live in ``contributor.py``, the editors' commands in ``editor.py``, the
candidate list and credits in ``scouting.py`` and the posting jobs in ``publisher.py``; each holds the
shared ``SpotlightService`` and only what else it uses. This class puts them together.

Every job has a default cadence, used when ``schedules:`` does not name it (an entry there replaces
the default): ``spotlight_publish`` Friday 10:00, ``spotlight_candidates`` Monday 09:00 (both in the
project's time zone) and ``spotlight_reminders`` hourly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.cog import Cog, Services
from cogs.spotlight.config import SpotlightConfig
from cogs.spotlight.contributor import ContributorCommands
from cogs.spotlight.document import Document
from cogs.spotlight.editor import EditorCommands
from cogs.spotlight.post_view import Translate
from cogs.spotlight.publisher import Publisher
from cogs.spotlight.publishing import PUBLISH_JOB
from cogs.spotlight.scouting import Scouting
from cogs.spotlight.service import SpotlightService

# Default cadences, as crontab lines in the project's time zone (what a ``schedules:`` entry would say).
DEFAULT_PUBLISH_CRON = "0 10 * * fri"
DEFAULT_CANDIDATES_CRON = "0 9 * * mon"
REMINDER_CHECK = timedelta(hours=1)
# A publishing slot missed by a restart still happens within 12 hours; the candidate list within a day.
PUBLISH_GRACE = timedelta(hours=12)
CANDIDATES_GRACE = timedelta(days=1)


def _section(services: Services) -> SpotlightConfig:
    config = services.config.section(SpotlightConfig)
    assert config is not None, "the spotlight cog is loaded only with a spotlight section"
    return config


def _github_bots(services: Services) -> list[str]:
    github = services.config.github
    return list(github.bot_logins) if github is not None else []


class SpotlightCog(Cog):
    """Contributor spotlights: candidates, interviews, editing, publishing and the blog export."""

    name = "spotlight"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        db, poster = services.db, services.poster
        self.service = SpotlightService(
            partial(_section, services),  # the current section on each call, so reloads apply
            lambda: services.config.project,
            partial(_github_bots, services),
            db,
            services.clock,
            services.catalog,
            poster,
        )
        self.publisher = Publisher(self.service, db, poster)
        self.scouting = Scouting(self.service, db, poster)
        self._parts: list[object] = [
            ContributorCommands(self.service, db),
            EditorCommands(self.service, db, poster, lambda: services.people),
            self.scouting,
        ]

    def parts(self) -> list[object]:
        return self._parts

    def jobs(self) -> dict[str, Callable[[], Any]]:
        return {
            PUBLISH_JOB: self.publisher.publish_job,
            "spotlight_reminders": self.publisher.reminders_job,
            "spotlight_candidates": self.scouting.candidates_job,
        }

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        # Without these a ``spotlight:`` section alone would never publish or remind anyone.
        tz = ZoneInfo(self.service.project_timezone)
        # A fixed start keeps hourly runs on whole hours, the same on every instance.
        hourly = IntervalTrigger(
            seconds=REMINDER_CHECK.total_seconds(), start_date=datetime(2020, 1, 1, tzinfo=tz), timezone=tz
        )
        return {
            PUBLISH_JOB: (CronTrigger.from_crontab(DEFAULT_PUBLISH_CRON, timezone=tz), PUBLISH_GRACE),
            "spotlight_reminders": (hourly, REMINDER_CHECK),
            "spotlight_candidates": (
                CronTrigger.from_crontab(DEFAULT_CANDIDATES_CRON, timezone=tz),
                CANDIDATES_GRACE,
            ),
        }

    # The web archive and the tests read spotlights through these two.
    def tr(self, locale: str | None = None) -> Translate:
        """Translate into ``locale`` (default: the project's language)."""
        return self.service.tr(locale)

    def export_text(self, doc: Document) -> tuple[str, str]:
        """The blog file of ``doc`` and its file name."""
        return self.service.export_text(doc)
