"""What becomes of the GitHub writes made for a claim: the claim's state stays true, the claimer is told.

The outbox publishes GitHubActionDone or, for a write that can never succeed, GitHubActionFailed; the
write's context names the claim it served and why it was made (``gfi_action``):

- ``assign`` done: the claimer is assigned. Refused (GitHub only assigns collaborators and
  commenters): the claim stands and a comment names the claimer instead (``refused_comment``).
- ``refused_comment`` posted: the claimer hears that GitHub would not assign them and that the
  comment names them. Failed: nothing on GitHub shows the claim; the claim is marked ``failed`` and
  the claimer is asked to comment there themselves (one DM covers both refusals).
- ``claim_comment`` failed: the claimer is told, and asked to comment unless they are assigned.
- ``unassign`` failed after the claim ended: the former claimer is still assigned and is asked to
  remove themselves, or the issue stays off the board.
- Any write on an issue GitHub no longer has (``not_found``): the claimer hears it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.github_events import GitHubActionDone, GitHubActionFailed
from bot.db.models import Repo, TrackedIssue
from cogs.good_first_issues.claims import member_name, set_github_state
from cogs.good_first_issues.lookup import issue_ref
from cogs.good_first_issues.models import GfiClaim
from cogs.good_first_issues.service import GfiService

log = logging.getLogger(__name__)
GONE = "not_found"  # the outbox's reason for 404/410: the issue was deleted or moved


@dataclass(frozen=True)
class FailedFor:
    """The claim a write served, as it was before the write's failure was recorded."""

    claim_id: int
    member_id: int
    ref: str
    login: str | None
    name: str
    state: str  # github_state before this failure
    active: bool
    expires_at: datetime


def notice_for(action: str, reason: str, claim: FailedFor) -> str | None:
    """The catalog key of the DM that tells the claimer, or None when there is nothing to tell
    (the claim ended and nothing is left to do, or an earlier DM already covered it)."""
    if action == "unassign":
        return None if reason == GONE else "gfi.notice.github_failed.unassign"
    if not claim.active:
        return None  # unclaimed or released meanwhile: the comment no longer matters
    if reason == GONE:
        return None if claim.state == "failed" else "gfi.notice.github_failed.gone"
    if action == "claim_comment":
        # After a refused assignment, the refused comment names them; its own failure is what they hear.
        if claim.state in ("refused", "failed"):
            return None
        if claim.state == "assigned":
            return "gfi.notice.github_failed.claim_comment_assigned"
        return "gfi.notice.github_failed.claim_comment"
    if action == "refused_comment":
        return "gfi.notice.github_failed.refused_comment"
    return None


def _record(
    session: Session, claim_id: int, action: str, reason: str, failure: bool = True
) -> FailedFor | None:
    """Load the claim and, for a ``failure``, record what it means for the claim's GitHub state."""
    claim = session.get(GfiClaim, claim_id)
    issue = session.get(TrackedIssue, claim.issue_id) if claim is not None else None
    repo = session.get(Repo, issue.repo_id) if issue is not None else None
    if claim is None or issue is None or repo is None:
        return None
    failed = FailedFor(
        claim_id,
        claim.member_id,
        issue_ref(repo, issue),
        claim.github_login,
        member_name(session, claim.member_id),
        claim.github_state,
        claim.ended_at is None,
        claim.expires_at,
    )
    if failure:
        if action == "assign":
            claim.github_state = "failed" if reason == GONE else "refused"
        elif claim.ended_at is None and (action == "refused_comment" or reason == GONE):
            claim.github_state = "failed"  # nothing on GitHub shows this claim
        session.add(claim)
    return failed


def _claim_id(context: dict[str, str]) -> int | None:
    raw = context.get("gfi_claim", "")
    return int(raw) if raw.isdigit() else None


class ClaimWriteOutcomes:
    """Reacts to the outcomes of the writes the board makes on behalf of claims."""

    def __init__(self, service: GfiService) -> None:
        self.service = service

    async def on_done(self, ev: GitHubActionDone) -> None:
        claim_id, action = _claim_id(ev.context), ev.context.get("gfi_action", "")
        if claim_id is None:
            return
        if action == "assign":
            await self.service.services.db.run(lambda s: set_github_state(s, claim_id, "assigned"))
        elif action == "refused_comment":
            # Told only now that the comment is really there, so the DM never promises what failed.
            found = await self.service.services.db.run(
                lambda s: _record(s, claim_id, action, "", failure=False)
            )
            if found is not None and found.active:
                await self.service.notices.dm_assign_refused(found.member_id, found.ref)

    async def on_failed(self, ev: GitHubActionFailed) -> None:
        claim_id, action = _claim_id(ev.context), ev.context.get("gfi_action", "")
        if claim_id is None:
            return
        log.warning("GitHub %s for claim %s (%s) failed: %s", ev.kind, claim_id, action, ev.reason)
        failed = await self.service.services.db.run(lambda s: _record(s, claim_id, action, ev.reason))
        if failed is None:
            return
        if action == "assign" and ev.reason != GONE:
            await self._name_in_comment(ev, failed)
            return
        key = notice_for(action, ev.reason, failed)
        if key is not None:
            await self.service.notices.dm_github_failed(
                failed.member_id, key, failed.ref, ev.reason, failed.expires_at
            )

    async def _name_in_comment(self, ev: GitHubActionFailed, failed: FailedFor) -> None:
        """GitHub would not assign the claimer: the claim stands and a comment names them instead."""
        github = self.service.services.github
        if github is None or not failed.active:
            return
        body = self.service.notices.github_comment("assign_refused", failed.login or failed.name, failed.name)
        await github.comment(
            ev.repo,
            ev.number,
            body,
            requested_by=failed.member_id,
            dedupe_key=f"gfi-refused-{failed.claim_id}",
            context={"gfi_claim": str(failed.claim_id), "gfi_action": "refused_comment"},
        )
