"""Generate config/demo/github.json: an offline, deterministic GitHub data set for `steward` demos.

Run from the repo root: `python config/demo/generate.py`. Same seed, same bytes. Items follow the
shape of GitHub's REST `GET /repos/{owner}/{repo}/issues` (a subset of the fields; PRs carry a
`pull_request` object), newest first as that endpoint returns them.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20261101
ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
WINDOW_DAYS = 183
OWNER = "steward-demo"
OUT = Path(__file__).with_name("github.json")

# (login, author_association, kind): maintainers review and triage, regulars contribute often,
# newcomers show up for good first issues, bots open dependency and housekeeping PRs.
PEOPLE: list[tuple[str, str, str]] = [
    ("mlin-dev", "OWNER", "maintainer"),
    ("priya-k", "MEMBER", "maintainer"),
    ("tomasz-w", "MEMBER", "maintainer"),
    ("chen-yufei", "MEMBER", "maintainer"),
    ("aoife-b", "MEMBER", "maintainer"),
    ("kwame-o", "CONTRIBUTOR", "regular"),
    ("lucia-ramos", "CONTRIBUTOR", "regular"),
    ("haruto-s", "CONTRIBUTOR", "regular"),
    ("devika-r", "CONTRIBUTOR", "regular"),
    ("zhangwei-gpu", "CONTRIBUTOR", "regular"),
    ("noah-fischer", "CONTRIBUTOR", "regular"),
    ("sara-jb", "CONTRIBUTOR", "regular"),
    ("liu-mingxuan", "FIRST_TIME_CONTRIBUTOR", "newcomer"),
    ("amara-n", "FIRST_TIME_CONTRIBUTOR", "newcomer"),
    ("felix-hk", "NONE", "newcomer"),
    ("ines-costa", "NONE", "newcomer"),
    ("rahul-v", "FIRST_TIME_CONTRIBUTOR", "newcomer"),
    ("wang-xiaoyu", "NONE", "newcomer"),
    ("olga-p", "NONE", "newcomer"),
    ("ben-okafor", "NONE", "newcomer"),
    ("yuki-tan", "NONE", "newcomer"),
    ("marta-s", "NONE", "newcomer"),
    ("dependabot[bot]", "CONTRIBUTOR", "bot"),
    ("pre-commit-ci[bot]", "CONTRIBUTOR", "bot"),
    ("github-actions[bot]", "NONE", "bot"),
]

LABEL_COLORS = {
    "bug": "d73a4a", "feature": "a2eeef", "documentation": "0075ca", "question": "d876e3",
    "good first issue": "7057ff", "help wanted": "008672", "easy": "c2e0c6", "快乐开源": "ff7b72",
    "needs-triage": "fbca04", "dependencies": "0366d6", "performance": "5319e7", "ci": "ededed",
    "area/docs": "1d76db", "area/kernels": "1d76db", "area/models": "1d76db", "area/scheduler": "1d76db",
    "area/api": "1d76db", "area/quantization": "1d76db", "area/build": "1d76db",
}  # fmt: skip

MODELS = [
    "Llama-3.1-8B",
    "Qwen2.5-7B",
    "Mistral-7B",
    "Gemma-2-9B",
    "Phi-3-mini",
    "DeepSeek-V2-Lite",
    "Mixtral-8x7B",
]
BACKENDS = ["CUDA", "ROCm", "Metal", "CPU (AVX-512)", "XPU"]
OPS = [
    "rms_norm",
    "rotary embedding",
    "paged attention",
    "fused MoE",
    "top-k sampling",
    "silu_and_mul",
    "fp8 GEMM",
]
DOC_PAGES = ["quickstart", "installation guide", "OpenAI-compatible server page", "FAQ", "quantization guide",
             "contributing guide", "architecture overview", "benchmarking guide"]  # fmt: skip

# Per repo: item count, area labels, and title templates by kind.
REPOS: dict[str, dict[str, Any]] = {
    "inference-engine": {
        "count": 140,
        "areas": ["area/models", "area/scheduler", "area/api", "area/quantization"],
        "bug": [
            "{model} produces garbage output with tensor parallel size 2",
            "Server hangs when a client disconnects mid-stream",
            "OOM on {backend} when max_num_seqs > 256",
            "`/v1/completions` ignores `stop` when `n > 1`",
            "Prefix caching returns stale KV blocks after preemption",
            "Crash loading {model} with AWQ weights",
            "Tokenizer warning spam on every request",
            "Wrong finish_reason for {model} when hitting max_tokens",
        ],
        "feature": [
            "Support {model}",
            "Add speculative decoding for {model}",
            "Expose per-request latency metrics on /metrics",
            "Allow LoRA adapters to be loaded at runtime",
            "Add `--max-queue-size` to shed load under pressure",
            "Structured output (JSON schema) for the chat endpoint",
        ],
        "easy": [
            "Add a unit test for the {op} config parser",
            "Replace deprecated `torch.cuda.amp` calls",
            "Improve the error message when the model path does not exist",
            "Type hints for `engine/arg_utils.py`",
            "Add `--version` flag to the CLI",
            "Remove unused imports in `entrypoints/`",
            "Add test for {model} chat template rendering",
        ],
        "pr": [
            "[Model] Add support for {model}",
            "[Bugfix] Fix hang on client disconnect",
            "[Scheduler] Reduce preemption churn under long prompts",
            "[Frontend] Validate `stop` sequences",
            "[Quant] Load AWQ checkpoints for {model}",
            "[Misc] Clean up logging in the engine loop",
            "[Test] Cover chat templates for {model}",
        ],
    },
    "kernels": {
        "count": 90,
        "areas": ["area/kernels", "area/build"],
        "bug": [
            "{op} kernel gives NaNs for head_dim=256 on {backend}",
            "Build fails with CUDA 12.8 and GCC 14",
            "Illegal memory access in {op} with batch size 1",
            "Numerical mismatch in {op} vs. the PyTorch reference on {backend}",
        ],
        "feature": [
            "Port {op} to {backend}",
            "Autotune block sizes for {op}",
            "Add fp8 path for {op}",
            "Ship prebuilt wheels for {backend}",
        ],
        "easy": [
            "Add a benchmark script for {op}",
            "Document the build flags in CMakeLists.txt",
            "Add a reference implementation test for {op}",
            "Fix compiler warnings in csrc/{op_slug}.cu",
        ],
        "pr": [
            "[Kernel] Optimise {op} for {backend}",
            "[Build] Support CUDA 12.8",
            "[Kernel] Fix NaNs in {op} for large head_dim",
            "[Bench] Add micro-benchmark for {op}",
        ],
    },
    "docs": {
        "count": 70,
        "areas": ["area/docs"],
        "bug": [
            "Broken link in the {page}",
            "Code sample in the {page} fails on Python 3.12",
            "Dark mode renders tables unreadable",
        ],
        "feature": [
            "Add a tutorial for serving {model}",
            "Translate the {page} into Chinese",
            "Add a troubleshooting section for {backend}",
        ],
        "easy": [
            "Fix typos in the {page}",
            "Update screenshots in the {page}",
            "Add alt text to images in the {page}",
            "Clarify the {page} prerequisites",
        ],
        "pr": [
            "docs: fix typos in the {page}",
            "docs: add tutorial for {model}",
            "docs: translate the {page}",
            "docs: fix broken links",
        ],
    },
}

# Bodies follow the demo's issue template (issue_template.md beside this file): the on-call queue
# flags issues that leave out its sections (oncall.required_sections in steward.yaml).
BUG_BODY = (
    "### Description\n{title}.\n\n"
    "### To reproduce\n```\nsteward-demo serve {model} --backend {backend}\n```\n\n"
    "### Environment\n- version: 0.{minor}.{patch}\n- backend: {backend}\n"
)
FEATURE_BODY = (
    "### Description\n{title} would help users running {model} on {backend}.\n\n"
    "### Environment\n- version: 0.{minor}.{patch}\n- backend: {backend}\n"
)
EASY_BODY = (
    "{title}.\n\nThis is a good first task: the change is small and local. Comment here to claim it, "
    "and see CONTRIBUTING.md for how to run the tests."
)


def iso(moment: datetime) -> str:
    """GitHub's timestamp format."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Generator:
    """Builds the items of all repos from one seeded random source."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.next_id = 3_100_000_000  # realistic magnitude: above 2**31
        self.user_ids = {login: 10_000_000 + i * 7919 for i, (login, _, _) in enumerate(PEOPLE)}

    def new_id(self) -> int:
        self.next_id += self.rng.randint(1, 40_000)
        return self.next_id

    def user(self, login: str) -> dict[str, Any]:
        kind = "Bot" if login.endswith("[bot]") else "User"
        return {"login": login, "id": self.user_ids[login], "type": kind}

    def people(self, kind: str) -> list[tuple[str, str, str]]:
        return [p for p in PEOPLE if p[2] == kind]

    def fill(self, template: str) -> str:
        op = self.rng.choice(OPS)
        return template.format(
            model=self.rng.choice(MODELS), backend=self.rng.choice(BACKENDS), op=op,
            op_slug=op.replace(" ", "_"), page=self.rng.choice(DOC_PAGES),
        )  # fmt: skip

    def when(self, after: datetime, max_days: float) -> datetime:
        moment = after + timedelta(seconds=self.rng.uniform(600, max_days * 86400))
        return min(moment, ANCHOR - timedelta(minutes=self.rng.randint(5, 600)))

    def repo_items(self, name: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
        full_name = f"{OWNER}/{name}"
        rng = self.rng
        start = ANCHOR - timedelta(days=WINDOW_DAYS)
        created = sorted(
            start + timedelta(seconds=rng.uniform(0, WINDOW_DAYS * 86400)) for _ in range(spec["count"])
        )
        items: list[dict[str, Any]] = []
        fixable: list[dict[str, Any]] = []  # open issues a later PR can close
        for number, created_at in enumerate(created, start=1):
            is_pr = rng.random() < 0.4
            item = self.make_pr(full_name, spec, number, created_at, fixable) if is_pr else None
            if item is None:
                item = self.make_issue(full_name, spec, number, created_at)
                if item["state"] == "open" and not any(lb["name"] == "needs-triage" for lb in item["labels"]):
                    fixable.append(item)
            items.append(item)
        close_fixed_issues(items)
        items.sort(key=lambda it: it["created_at"], reverse=True)
        return items

    def base(self, full_name: str, number: int, kind: str, login: str, assoc: str) -> dict[str, Any]:
        path = "pull" if kind == "pr" else "issues"
        return {
            "url": f"https://api.github.com/repos/{full_name}/issues/{number}",
            "html_url": f"https://github.com/{full_name}/{path}/{number}",
            "id": self.new_id(),
            "number": number,
            "user": self.user(login),
            "author_association": assoc,
            "locked": False,
        }

    def labels(self, names: list[str]) -> list[dict[str, Any]]:
        return [{"name": n, "color": LABEL_COLORS[n]} for n in dict.fromkeys(names)]

    def make_issue(
        self, full_name: str, spec: dict[str, Any], number: int, created_at: datetime
    ) -> dict[str, Any]:
        rng = self.rng
        kind = rng.choices(["bug", "feature", "easy"], weights=[4, 3, 4])[0]
        if name_is_docs(full_name) and kind == "bug" and rng.random() < 0.5:
            kind = "easy"
        pool = (
            self.people("newcomer") + self.people("regular") if kind != "easy" else self.people("maintainer")
        )
        login, assoc, _ = rng.choice(pool)
        if kind == "bug" and rng.random() < 0.1:
            login, assoc = "github-actions[bot]", "NONE"
        title = self.fill(rng.choice(spec[kind]))
        if login == "github-actions[bot]":
            title = f"Nightly CI failure: {title[:60]}"
        names = [rng.choice(spec["areas"])]
        if kind == "bug":
            names.insert(0, "bug")
        elif kind == "feature":
            names.insert(0, "feature")
        else:
            names = ["good first issue", *names]
            names += rng.sample(["help wanted", "easy", "快乐开源", "documentation"], k=rng.randint(0, 2))
            if "docs" in full_name:
                names.append("documentation")
        if kind == "feature" and rng.random() < 0.25:
            names.append("help wanted")
        age_days = (ANCHOR - created_at).days
        item = self.base(full_name, number, "issue", login, assoc)
        # Older issues are more likely closed; newcomer tasks stay open longer (the board needs some).
        close_odds = min(0.7, age_days / 160) * (0.5 if kind == "easy" else 1.0)
        closed = age_days > 10 and rng.random() < close_odds
        updated_at = self.when(created_at, 20)
        if not closed and age_days < 14 and rng.random() < 0.75:
            names.append("needs-triage")  # new and not yet looked at by the on-call triager
        assignees: list[str] = []
        if kind == "easy" and not closed and rng.random() < 0.3:
            assignees = [rng.choice(self.people("newcomer"))[0]]  # claimed by a newcomer
        body_tpl = {"bug": BUG_BODY, "feature": FEATURE_BODY, "easy": EASY_BODY}[kind]
        body = body_tpl.format(
            title=title, model=rng.choice(MODELS), backend=rng.choice(BACKENDS),
            minor=rng.randint(4, 9), patch=rng.randint(0, 5),
        )  # fmt: skip
        item.update(
            title=title,
            labels=self.labels(names),
            state="closed" if closed else "open",
            assignees=[self.user(a) for a in assignees],
            comments=rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 9]),
            created_at=iso(created_at),
            updated_at=iso(updated_at),
            closed_at=iso(updated_at) if closed else None,
            state_reason=(rng.choice(["completed", "completed", "not_planned"]) if closed else None),
            body=body,
        )
        return item

    def make_pr(
        self,
        full_name: str,
        spec: dict[str, Any],
        number: int,
        created_at: datetime,
        fixable: list[dict[str, Any]],
    ) -> dict[str, Any] | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            login, assoc = "dependabot[bot]", "CONTRIBUTOR"
            pkg = rng.choice(["torch", "transformers", "pytest", "ruff", "actions/checkout", "sphinx"])
            title, names, body = (
                f"Bump {pkg} from 2.{rng.randint(1, 5)}.0 to 2.{rng.randint(6, 9)}.1",
                ["dependencies"],
                f"Bumps {pkg}. Dependabot will resolve any conflicts with this PR "
                "as long as you don't alter it.",
            )
        elif roll < 0.18:
            login, assoc = "pre-commit-ci[bot]", "CONTRIBUTOR"
            title, names, body = (
                "[pre-commit.ci] pre-commit autoupdate",
                ["ci"],
                "updates:\n- ruff-pre-commit",
            )
        else:
            login, assoc, _ = rng.choice(
                self.people("regular") * 2 + self.people("maintainer") + self.people("newcomer")
            )
            title = self.fill(rng.choice(spec["pr"]))
            names = [rng.choice(spec["areas"])]
            body = f"## Summary\n{title}.\n\n## Test plan\n- [x] unit tests\n"
            if fixable and rng.random() < 0.4:
                target = fixable[rng.randrange(len(fixable))]
                is_gfi = any(lb["name"] == "good first issue" for lb in target["labels"])
                # Keep a healthy open good-first-issue board: most are left for newcomers to claim.
                if not is_gfi or rng.random() < 0.3:
                    fixable.remove(target)
                    body = f"Fixes #{target['number']}\n\n" + body
        item = self.base(full_name, number, "pr", login, assoc)
        age_days = (ANCHOR - created_at).days
        outcome = (
            "open" if age_days < 8 or rng.random() < 0.15 else rng.choices(["merged", "closed"], [6, 1])[0]
        )
        updated_at = self.when(created_at, 12)
        merged_at = updated_at if outcome == "merged" else None
        item.update(
            title=title,
            labels=self.labels(names),
            state="open" if outcome == "open" else "closed",
            assignees=[],
            comments=rng.choice([0, 1, 2, 3, 5, 8]),
            created_at=iso(created_at),
            updated_at=iso(updated_at),
            closed_at=iso(updated_at) if outcome != "open" else None,
            author_association=assoc,
            draft=outcome == "open" and rng.random() < 0.2,
            pull_request={
                "url": f"https://api.github.com/repos/{full_name}/pulls/{number}",
                "html_url": f"https://github.com/{full_name}/pull/{number}",
                "merged_at": iso(merged_at) if merged_at else None,
            },
            body=body,
            state_reason=None,
        )
        return item


def name_is_docs(full_name: str) -> bool:
    return full_name.endswith("/docs")


def close_fixed_issues(items: list[dict[str, Any]]) -> None:
    """A merged PR saying "Fixes #N" closes issue N (as completed) when it merges, as GitHub does."""
    by_number = {it["number"]: it for it in items}
    for pr in items:
        merged_at = (pr.get("pull_request") or {}).get("merged_at")
        if not merged_at or not pr["body"].startswith("Fixes #"):
            continue
        issue = by_number[int(pr["body"][len("Fixes #") :].split()[0])]
        issue.update(state="closed", state_reason="completed", closed_at=merged_at, assignees=[])
        issue["updated_at"] = max(issue["updated_at"], merged_at)
        issue["labels"] = [lb for lb in issue["labels"] if lb["name"] != "needs-triage"]


MAINTAINER_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")
RESPONSES = [
    "Thanks for the report! Could you try the latest release and tell us whether it still happens?",
    "Thanks! Labelled it; someone from the {area} area will take a look this week.",
    "Good idea. Happy to review a PR if you want to take it on.",
    "Thanks for the PR, this looks good. One small comment inline.",
    "Confirmed on our side, thanks. This is now on the list for the next release.",
]
# An issue written without the template (no sections): "Ask author" in the on-call queue asks for them.
SHORT_BUG_BODY = "{title}. It worked last week, no idea what changed."


def add_responses(repos: list[dict[str, Any]]) -> None:
    """Maintainers' first answers to what newcomers and regulars opened, as REST issue comments (the
    on-call statistics and chart are made of them). Items still labelled needs-triage wait unanswered.

    A second random source, so the items above stay byte-for-byte what they were."""
    rng = random.Random(SEED + 1)
    maintainers = [p[0] for p in PEOPLE if p[2] == "maintainer"]
    next_id = 4_200_000_000
    for repo in repos:
        comments: list[dict[str, Any]] = []
        for item in repo["issues"]:
            labels = {lb["name"] for lb in item["labels"]}
            if item["author_association"] in MAINTAINER_ASSOCIATIONS or item["user"]["type"] == "Bot":
                continue
            if "needs-triage" in labels:
                if "pull_request" not in item and rng.random() < 0.5:
                    # Filed without the template: the on-call queue offers to ask the author for it.
                    item["body"] = SHORT_BUG_BODY.format(title=item["title"].rstrip("."))
                continue
            opened = datetime.strptime(item["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            # Mostly within a working day, sometimes over a weekend: a realistic long tail.
            delay = timedelta(hours=min(96.0, rng.lognormvariate(1.6, 1.1)))
            at = min(opened + delay, ANCHOR - timedelta(minutes=rng.randint(5, 600)))
            if at <= opened:
                continue
            area = next((n.split("/", 1)[1] for n in labels if n.startswith("area/")), "core")
            next_id += rng.randint(1, 5000)
            comments.append(
                {
                    "id": next_id,
                    "html_url": f"{item['html_url']}#issuecomment-{next_id}",
                    "issue_url": item["url"],
                    "user": {"login": (login := rng.choice(maintainers)), "type": "User"},
                    "author_association": "OWNER" if login == "mlin-dev" else "MEMBER",
                    "created_at": iso(at),
                    "updated_at": iso(at),
                    "body": rng.choice(RESPONSES).format(area=area),
                }
            )
        comments.sort(key=lambda c: c["created_at"])
        repo["comments"] = comments


def build() -> dict[str, Any]:
    """The whole data set."""
    gen = Generator()
    repos = []
    for name, spec in REPOS.items():
        repos.append(
            {"full_name": f"{OWNER}/{name}", "id": gen.new_id(), "issues": gen.repo_items(name, spec)}
        )
    add_responses(repos)
    return {
        "generator": "config/demo/generate.py",
        "seed": SEED,
        "anchor": iso(ANCHOR),
        "note": "Synthetic data in the shape of GitHub REST issue-list and issue-comment items; no real "
        "people or projects. Timestamps are shifted at load so the last activity is now (bot/demo.py).",
        "repos": repos,
    }


def dumps(data: dict[str, Any]) -> str:
    """JSON with one issue per line: compact, yet diffs stay readable."""
    head = {k: v for k, v in data.items() if k != "repos"}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    lines.append('  "repos": [')
    for r_i, repo in enumerate(data["repos"]):
        lines.append(f'    {{"full_name": {json.dumps(repo["full_name"])}, "id": {repo["id"]}, "issues": [')
        issues = repo["issues"]
        for i, item in enumerate(issues):
            comma = "," if i < len(issues) - 1 else ""
            lines.append("      " + json.dumps(item, ensure_ascii=False, separators=(",", ":")) + comma)
        lines.append('    ], "comments": [')
        comments = repo.get("comments", [])
        for i, item in enumerate(comments):
            comma = "," if i < len(comments) - 1 else ""
            lines.append("      " + json.dumps(item, ensure_ascii=False, separators=(",", ":")) + comma)
        lines.append("    ]}" + ("," if r_i < len(data["repos"]) - 1 else ""))
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write github.json beside this script."""
    OUT.write_text(dumps(build()), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
