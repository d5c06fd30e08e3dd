"""Good first issues: a live board newcomers browse and claim from chat."""

from cogs.good_first_issues.cog import GoodFirstIssuesCog

__all__ = ["GoodFirstIssuesCog"]
