"""``/``: the good-first-issue board on the web: /gfi list's order, filters, pages, claim state,
languages, caching and security headers, and hostile query strings answered with a notice."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.cogs.good_first_issues.conftest import item, standard_board
from tests.cogs.good_first_issues.conftest import seed as seed_issues
from tests.cogs.web.conftest import DOCS, REPO, SiteFactory
from tests.fixtures.chat import ChatDriver


def refs_on(html: str) -> list[str]:
    """The issue references of the board's list, in page order."""
    return re.findall(r'<li class="issue" data-issue="([^"]+)"', html)


def seed_board(site_chat: ChatDriver) -> None:
    """The good-first-issue tests' board plus three newer issues in acme/widgets and one in acme/docs."""
    now = site_chat.clock.now()
    hour = timedelta(hours=1)
    issues = [
        *standard_board(now),
        item(9, "Tidy the changelog", ["good first issue", "difficulty/easy"], created=now - 5 * hour),
        item(10, "Explain 100% CPU in docs", ["easy", "area/docs"], created=now - 3 * hour),
        item(11, "Add a fuzz test", ["help wanted", "area/core"], created=now - hour),
    ]
    seed_issues(site_chat.app.db, REPO, issues)
    seed_issues(site_chat.app.db, DOCS, [item(1, "翻译入门指南", ["快乐开源"], created=now - 2 * hour)])


async def test_the_board_shows_what_gfi_list_shows_in_the_same_order(site_factory: SiteFactory) -> None:
    async with site_factory() as site:
        seed_board(site.chat)
        replies = await site.chat.command("carol", "/gfi list")
        listing = "\n".join(r.text for r in replies)
        chat_order = re.findall(r"(acme/\w+#\d+)", listing)

        status, first, headers = await site.get("/")
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        status, second, _ = await site.get("/?page=2")
        web_order = refs_on(first) + refs_on(second)
        # The chat page is shorter (page_size 10 there, 5 here); its order is the web's prefix.
        assert web_order[: len(chat_order)] == chat_order
        assert web_order[0] == f"{REPO}#7"  # the priority label first, as in chat
        assert len(refs_on(first)) == 5 and 'rel="next"' in first and 'rel="prev"' not in first
        assert 'rel="prev"' in second and 'rel="next"' not in second
        assert sorted(web_order) == sorted([f"{REPO}#{n}" for n in (1, 2, 7, 8, 9, 10, 11)] + [f"{DOCS}#1"])
        # Not on the board: unlabelled, pull request, closed, assigned on GitHub.
        for absent in (3, 4, 5, 6):
            assert f"{REPO}#{absent}" not in web_order


async def test_filters_narrow_the_board_and_links_keep_them(site_factory: SiteFactory) -> None:
    async with site_factory() as site:
        seed_board(site.chat)
        cases = {
            f"/?repo={DOCS}": [f"{DOCS}#1"],
            "/?area=docs": [f"{REPO}#10", f"{REPO}#1"],
            "/?area=DOCS&difficulty=": [f"{REPO}#10", f"{REPO}#1"],
            "/?difficulty=easy": [f"{REPO}#9", f"{REPO}#2"],
            "/?label=Help+Wanted": [f"{REPO}#11", f"{REPO}#2"],
            "/?q=TYPO": [f"{REPO}#1"],
            "/?q=100%25": [f"{REPO}#10"],  # a % is searched for, not a wildcard
            "/?q=_": [],
            f"/?repo={REPO}&area=core&label=help+wanted": [f"{REPO}#11", f"{REPO}#2"],
        }
        for path, expected in cases.items():
            status, html, _ = await site.get(path)
            assert status == 200, path
            assert refs_on(html) == expected, path
        _, html, _ = await site.get("/?area=docs&lang=zh-CN")
        assert '<option value="docs" selected>' in html
        assert "目前没有" not in html
        _, html, _ = await site.get("/?q=nothing-like-this")
        assert "No open issue matches these filters" in html


async def test_claim_state_free_reserved_and_claimed_by_display_name(site_factory: SiteFactory) -> None:
    async with site_factory() as site:
        seed_board(site.chat)
        await site.chat.command("alice", f"/gfi claim {REPO}#1")
        await site.chat.command("bob", f"/gfi waitlist {REPO}#1")
        await site.chat.command("alice", f"/gfi unclaim {REPO}#1")
        await site.chat.command("dana", f"/gfi claim {REPO}#8")

        _, html, _ = await site.get(f"/?repo={REPO}&area=docs")
        entry = html.split(f'data-issue="{REPO}#1"', 1)[1].split("</ol>", 1)[0]
        until = site.chat.clock.now() + timedelta(days=2)
        assert "Reserved for the next person on the waitlist until" in entry
        assert until.isoformat()[:16] in entry  # machine-readable, for the reader's zone
        assert "/gfi claim" not in entry  # nobody but the reservee may claim it
        _, html, _ = await site.get("/?q=Tidy")
        assert "Free to claim" in html and "/gfi claim widgets#9" in html
        assert 'href="https://discord.com/channels/1/2"' in html
        _, html, _ = await site.get("/")
        claimed = html.split('class="claimed"', 1)[1]
        assert "Improve error text" in claimed and "dana" in claimed and f"{REPO}#8" not in refs_on(html)


async def test_language_from_query_or_accept_language(site_factory: SiteFactory) -> None:
    async with site_factory() as site:
        seed_board(site.chat)
        _, html, headers = await site.get("/", **{"Accept-Language": "fr;q=1, zh-CN;q=0.8, en;q=0.5"})
        assert '<html lang="zh-CN">' in html and "新手任务" in html
        assert headers["Vary"] == "Accept-Language"
        _, html, _ = await site.get("/?lang=en", **{"Accept-Language": "zh-CN"})
        assert '<html lang="en">' in html and "Good first issues" in html
        # An explicit choice is carried by the site's own links, the other language is one click away.
        assert 'href="/?page=2&amp;lang=en"' in html and 'href="/?lang=zh-CN"' in html
        _, html, _ = await site.get("/?lang=xx")
        assert '<html lang="en">' in html


async def test_caching_validators_and_security_headers(site_factory: SiteFactory) -> None:
    async with site_factory() as site:
        seed_board(site.chat)
        status, html, headers = await site.get("/")
        assert headers["Cache-Control"] == "public, max-age=60"
        assert headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "<script>" not in html and " style=" not in html  # nothing inline for the CSP to allow
        status, body, again = await site.get("/", **{"If-None-Match": headers["ETag"]})
        assert status == 304 and body == "" and again["ETag"] == headers["ETag"]
        status, _, _ = await site.get("/", **{"If-Modified-Since": headers["Last-Modified"]})
        assert status == 304
        await site.chat.command("alice", f"/gfi claim {REPO}#1")
        status, _, changed = await site.get("/", **{"If-None-Match": headers["ETag"]})
        assert status == 200 and changed["ETag"] != headers["ETag"]
        status, css, css_headers = await site.get("/static/theme.css")
        assert status == 200 and "--accent: #1f6feb" in css and css_headers["ETag"]
        for path in ("/static/../cog.py", "/static/.hidden", "/static/nope.css"):
            status, _, _ = await site.get(path)
            assert status == 404, path


async def test_hostile_query_strings_get_a_page_and_a_notice(site_factory: SiteFactory) -> None:
    async with site_factory() as site:
        seed_board(site.chat)
        for path, notice in (
            ("/?page=abc", "That page number is not valid"),
            ("/?page=99999999999999999999", "That page number is not valid"),
            ("/?repo=%3Cscript%3Ealert(1)%3C/script%3E", "That repository is not on the board"),
            ("/?area=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E", "That area is not configured"),
            ("/?difficulty=%00%ff", "That difficulty is not configured"),
        ):
            status, html, _ = await site.get(path)
            assert status == 200 and notice in html, path
            assert "<script>alert" not in html and "<img src=x" not in html
        status, html, _ = await site.get("/?q=" + "x" * 5000 + "&label=%3Cb%3E")
        assert status == 200 and "<b>" not in html
        status, html, _ = await site.get("/?page=40")
        assert status == 200 and "No open issue matches" in html and 'rel="prev"' in html


async def test_a_rendered_page_is_reused_for_render_cache_seconds(site_factory: SiteFactory) -> None:
    from tests.cogs.web.conftest import SITE_YAML

    async with site_factory(extra_yaml=SITE_YAML.replace("render_cache: 0", "render_cache: 30")) as site:
        seed_board(site.chat)
        _, before, first = await site.get("/")
        await site.chat.command("alice", f"/gfi claim {REPO}#7")
        _, same, again = await site.get("/")
        assert same == before and again["ETag"] == first["ETag"]  # within 30 s: the page as rendered
        _, chinese, _ = await site.get("/", **{"Accept-Language": "zh-CN"})
        assert "新手任务" in chinese  # one entry per language
        site.chat.clock.advance(seconds=31)
        _, after, fresh = await site.get("/")
        assert fresh["ETag"] != first["ETag"] and f"{REPO}#7" not in refs_on(after)
