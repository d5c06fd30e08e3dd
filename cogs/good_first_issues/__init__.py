"""Good first issues: a live board newcomers browse and claim from chat."""

from bot.core.feature import Feature
from cogs.good_first_issues.cog import GoodFirstIssuesCog
from cogs.good_first_issues.config import GoodFirstIssuesConfig

FEATURE = Feature(
    name="good_first_issues",
    cog=GoodFirstIssuesCog,
    section="good_first_issues",
    config_model=GoodFirstIssuesConfig,
    description="Good-first-issue board.",
    jobs=frozenset({"gfi_announcements", "claim_reminders"}),
    group="gfi",
)

__all__ = ["FEATURE", "GoodFirstIssuesCog"]
