"""/oncall, /spotlights (+ each interview and the Atom feed), /start and /health, in both languages;
every page walked with private data seeded, and outside text that tries to break out of its place."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tests.cogs.web.conftest import REPO, SiteFactory
from tests.cogs.web.seeds import FULL_YAML, HIDDEN_CHAT_ID, HOSTILE_TITLES, PRIVATE, seed_community

PAGES = ("/", "/oncall", "/spotlights", "/spotlights/feed.xml", "/start", "/health")


async def test_oncall_shows_now_next_feeds_queue_and_response_times(site_factory: SiteFactory) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        seed_community(site.chat.app.db, site.chat.clock.now())
        status, html, headers = await site.get("/oncall")
        assert status == 200 and headers["ETag"]
        now_row = html.split('data-rotation="triage"', 1)[1].split("</tr>", 1)[0]
        assert re.search(r'class="person">(aoife-b|tomasz-w|Nobody)<', now_row), now_row
        assert '<time class="local" datetime="' in now_row  # rewritten to the reader's zone in the browser
        # The feeds need a token the public page must not show: no link that would answer 404.
        assert ".ics" not in html and "ask a maintainer for your link" in html
        status, _, _ = await site.get("/oncall/triage.ics")
        assert status == 404
        assert 'data-queue="' in html and "Waiting for triage now:" in html
        chart = html.split('id="ttfr"', 1)[1]
        assert 'role="img"' in chart and '<title id="ttfr-title">' in chart and "<table>" in chart
        assert html.count("<tr><td>") >= 8  # the chart's eight weeks, as numbers
        _, zh, _ = await site.get("/oncall?lang=zh-CN")
        assert "当前值班" in zh and "首次响应时间" in zh


async def test_oncall_hides_feeds_that_need_a_token(site_factory: SiteFactory) -> None:
    yaml = FULL_YAML.replace("  rotations:\n", "  calendar_token: s3cret-token\n  rotations:\n", 1)
    async with site_factory(extra_yaml=yaml) as site:
        _, html, _ = await site.get("/oncall")
        assert ".ics" not in html and "s3cret-token" not in html


async def test_spotlights_archive_page_and_feed(site_factory: SiteFactory) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        seeded = seed_community(site.chat.app.db, site.chat.clock.now())
        _, archive, _ = await site.get("/spotlights")
        assert f'href="/spotlights/{seeded.published_id}"' in archive and "Zoë" in archive
        assert f"/spotlights/{seeded.draft_id}" not in archive
        status, page, _ = await site.get(f"/spotlights/{seeded.published_id}")
        assert (status == 200 and "Spotlight" in page) or "Zoë" in page
        # The blog export's Markdown, rendered: what people wrote reads as written (no emphasis from
        # their asterisks, since the export escapes Markdown in their words).
        assert "Zoë keeps the docs **tidy**." in page and "<strong>tidy</strong>" not in page
        assert "&lt;script&gt;alert('answer')&lt;/script&gt;" in page  # shown as written, not run
        assert "<script>alert" not in page and 'href="javascript:' not in page
        assert "Ask early,<br />\nask often." in page  # the line break they typed is kept
        for hidden in (seeded.draft_id, seeded.approved_id, 999999, "abc", "1" * 40):
            status, body, _ = await site.get(f"/spotlights/{hidden}")
            assert status == 404 and "no published spotlight" in body, hidden
        status, feed, headers = await site.get("/spotlights/feed.xml")
        assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(feed)
        ns = {"a": "http://www.w3.org/2005/Atom"}
        entries = root.findall("a:entry", ns)
        assert len(entries) == 1
        link = entries[0].find("a:link", ns)
        assert link is not None and link.get("href", "").endswith(f"/spotlights/{seeded.published_id}")
        content = entries[0].findtext("a:content", namespaces=ns) or ""
        assert "Zoë keeps the docs **tidy**." in content and "<script>" not in content


async def test_start_lists_paths_steps_and_matching_issues(site_factory: SiteFactory) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        seed_community(site.chat.app.db, site.chat.clock.now())
        _, html, _ = await site.get("/start")
        assert "Docs and examples" in html and "Fix something in the docs" in html
        assert "Fix typo in README" in html and f"{REPO}#1" in html
        assert 'href="https://example.org/CONTRIBUTING.md"' in html
        assert "/onboard start docs-first" in html
        _, zh, _ = await site.get("/start", **{"Accept-Language": "zh-CN,zh;q=0.9"})
        assert "文档与示例" in zh and "修复一处文档问题" in zh


async def test_health_charts_have_text_alternatives_and_tables(site_factory: SiteFactory) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        seed_community(site.chat.app.db, site.chat.clock.now())
        _, html, _ = await site.get("/health")
        for chart in ("new-contributors", "first-merged", "ttfr", "funnel"):
            part = html.split(f'id="{chart}"', 1)[1]
            assert f'aria-labelledby="{chart}-title {chart}-desc"' in part
            assert "<desc " in part and "<table>" in part
        # acme/widgets#30 is someone's first pull request, opened two days ago: one this week or last.
        counts = re.findall(r'<td class="num">(\d+)</td>', html.split('id="new-contributors"', 1)[1])
        assert sum(int(c) for c in counts[:8]) == 1
        assert "Onboarding funnel" in html and "Joined" in html


async def test_no_page_shows_private_data(site_factory: SiteFactory) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        seeded = seed_community(site.chat.app.db, site.chat.clock.now())
        await site.chat.command("alice", f"/gfi claim {REPO}#1")
        paths = [*PAGES, f"/spotlights/{seeded.published_id}", f"/spotlights/{seeded.draft_id}"]
        for lang in ("en", "zh-CN"):
            for path in paths:
                status, body, _ = await site.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
                assert status in (200, 404), path
                for marker in PRIVATE:
                    assert marker not in body, (path, marker)
        _, oncall, _ = await site.get("/oncall")
        assert (HIDDEN_CHAT_ID not in oncall and "Nobody" in oncall) or "aoife-b" in oncall


async def test_outside_text_is_escaped_and_kept_verbatim(site_factory: SiteFactory) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        seed_community(site.chat.app.db, site.chat.clock.now())
        _, html, _ = await site.get("/?q=")
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#39;board&#39;)&lt;/script&gt;" in html
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
        # Direction and zero-width characters stay as written, isolated so they cannot flip the page.
        assert "<bdi>\u202eevil\u202c RTL override and zero\u200bwidth</bdi>" in html
        for path in ("/start", "/health", "/oncall"):
            _, body, _ = await site.get(path)
            assert "<script>alert" not in body and "<img src=x" not in body, path
        assert all(t for t in HOSTILE_TITLES)


async def test_pages_left_out_of_the_config_answer_404(site_factory: SiteFactory) -> None:
    yaml = FULL_YAML.replace("web:\n", "web:\n  pages: [board, start]\n", 1)
    async with site_factory(extra_yaml=yaml) as site:
        for path, expected in (("/", 200), ("/start", 200), ("/oncall", 404), ("/health", 404)):
            status, _, _ = await site.get(path)
            assert status == expected, path
        _, home, _ = await site.get("/")
        assert 'href="/oncall"' not in home and 'href="/start"' in home
    async with site_factory(extra_yaml=FULL_YAML.replace("web:\n", "web:\n  enabled: false\n", 1)) as site:
        status, _, _ = await site.get("/")
        assert status == 404


async def test_a_failing_page_says_so_in_the_readers_language(site_factory: SiteFactory) -> None:
    from sqlalchemy import text

    async with site_factory(extra_yaml=FULL_YAML) as site:
        seeded = seed_community(site.chat.app.db, site.chat.clock.now())
        # A table lost under the running app (a botched restore): the page fails, the reader is told.
        site.chat.app.db.call(lambda s: s.execute(text("DROP TABLE spotlight_answer")))
        status, body, headers = await site.get(f"/spotlights/{seeded.published_id}?lang=zh-CN")
        assert status == 503 and "这个页面暂时无法显示" in body
        assert "Traceback" not in body and "spotlight_answer" not in body
        assert headers["Cache-Control"] == "public, max-age=0"
