"""``spotlight:`` — weekly contributor interviews."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field, field_validator

from bot.config.base import FeatureSection, LocalizedText, StrictModel, Text, check_unique
from bot.config.types import Duration, GitHubLogin, Slug
from bot.config.yamltree import DataPath


class QuestionConfig(StrictModel):
    """One numbered interview question."""

    id: Slug = Field(description="Stable id of the question (answers are stored under it).")
    text: Text = Field(description="The question: a string (English) or {en: ..., zh-CN: ...}.")
    optional: bool = Field(default=False, description="The interviewee may skip it.")


def _q(qid: str, en: str, zh: str, optional: bool = False) -> QuestionConfig:
    return QuestionConfig(id=qid, text=LocalizedText(en=en, zh_CN=zh), optional=optional)


def default_questions() -> list[QuestionConfig]:
    """The built-in interview used when ``questions`` is not set."""
    return [
        _q("intro", "Tell us a little about yourself.", "简单介绍一下你自己吧。"),
        _q(
            "first_contribution",
            "How did you make your first contribution here?",
            "你在这里的第一次贡献是怎样的？",
        ),
        _q(
            "favourite_work",
            "Which piece of your work here are you proudest of?",
            "你在这里最自豪的工作是什么？",
        ),
        _q("learned", "What have you learned by contributing?", "参与贡献让你学到了什么？"),
        _q(
            "challenge",
            "What was the hardest problem you tackled, and how?",
            "你遇到过最难的问题是什么？如何解决的？",
        ),
        _q("advice", "What advice would you give a newcomer?", "你会给新贡献者什么建议？"),
        _q("outside", "What do you enjoy outside of open source?", "开源之外，你喜欢做什么？", optional=True),
    ]


class SpotlightBlogConfig(StrictModel):
    """Front matter of the Markdown file ``/spotlight export`` produces for the project's blog."""

    author: str | None = Field(
        default=None, description="Author in the front matter (default: the maintainer who approved it)."
    )
    category: str = Field(default="community", min_length=1, description="Blog category.")
    tags: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=lambda: ["contributor-spotlight"], description="Blog tags."
    )


class SpotlightExportConfig(StrictModel):
    """How ``/spotlight export`` writes people's words for the blog's generator."""

    target: Literal["vitepress", "hugo", "plain"] = Field(
        default="plain",
        description=(
            "The blog's generator: 'vitepress' wraps the body in '::: v-pre' so Vue never evaluates it; "
            "'hugo' and 'plain' rely on escaping alone (answers are always written as literal text)."
        ),
    )


class SpotlightConfig(FeatureSection):
    """Contributor spotlights: who is picked, the interview, reminders and publishing."""

    channel: str = Field(default="spotlight", description="Channel purpose where interviews are published.")
    lookback_weeks: int = Field(
        default=8, ge=1, le=104, description="Weeks of activity considered when picking."
    )
    cooldown_months: int = Field(default=6, ge=0, description="Months before someone can be featured again.")
    reminder_after: Duration = Field(
        default=timedelta(days=5), description="Remind the interviewee after this long without answers."
    )
    expire_after: Duration = Field(
        default=timedelta(days=21), description="Give up on an unanswered interview after this long."
    )
    not_now_cooldown: Duration = Field(
        default=timedelta(days=90),
        description="Someone who answered 'Not now' is not proposed again for this long.",
    )
    maintainer_channel: str = Field(
        default="maintainers",
        description="Channel purpose for notices to maintainers (submissions, approvals, empty queue).",
    )
    candidate_limit: int = Field(default=10, ge=1, le=25, description="Candidates shown in the ranked list.")
    answer_max_length: int = Field(
        default=3000, ge=200, le=3000, description="Longest answer accepted (Slack inputs allow 3000)."
    )
    exclude_logins: list[GitHubLogin] = Field(
        default_factory=list, description="GitHub logins never proposed (e.g. maintainers' own accounts)."
    )
    blog: SpotlightBlogConfig = Field(
        default_factory=SpotlightBlogConfig, description="Markdown export for the blog."
    )
    export: SpotlightExportConfig = Field(
        default_factory=SpotlightExportConfig, description="The blog generator the export is written for."
    )
    questions: list[QuestionConfig] = Field(
        default_factory=default_questions,
        min_length=5,
        max_length=12,
        description="Interview questions, in order.",
    )

    @field_validator("questions")
    @classmethod
    def _unique_ids(cls, value: list[QuestionConfig]) -> list[QuestionConfig]:
        check_unique([q.id for q in value], "id", "question id")
        return value

    def channel_purposes(self) -> Iterator[tuple[DataPath, str]]:
        """The publishing and maintainers' channels, when the file names them (defaults are no typo)."""
        for key in ("channel", "maintainer_channel"):
            if key in self.model_fields_set:
                yield (key,), getattr(self, key)
