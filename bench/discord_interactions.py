"""200 slash-command interactions in a burst over the fake gateway: Steward vs a bare discord.py bot.

Prints p50/p99 from dispatch to the interaction callback for both, and their ratio. The two bots take
turns (bare, Steward, bare, Steward, ... ``--rounds`` times) so that both see the same machine; each
round prints its own ratio, and the target is judged on the median of the rounds' p99 ratios.
Targets: every interaction answered inside 3 s; Steward's p99 within 1.3x the bare bot's; no deferral
for a command whose answer is ready within the deferral budget (the commands here all are).
Run: .venv/bin/python bench/discord_interactions.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import discord

from bench._databases import peak_rss_mib
from bot.adapters.discord import build_adapter
from bot.app import App
from bot.config import load_config_text
from tests.fakes.discord import FakeDiscord, FakeInteraction
from tests.fixtures.console import config_text

BURST = 200
TARGET_RATIO = 1.3
USERS = 20
COMMANDS = ("help", "me", "timezone")
PYTHON_GC_DEFAULTS = (700, 10, 10)


def _data(sub: str) -> dict[str, Any]:
    options = [{"name": "zone", "type": 3, "value": "Asia/Kolkata"}] if sub == "timezone" else []
    return {
        "id": "1",
        "name": "steward",
        "type": 1,
        "options": [{"name": sub, "type": 1, "options": options}],
    }


async def _burst(fake: FakeDiscord, channel: str, users: list[Any]) -> list[FakeInteraction]:
    """One burst from ``users`` (the same people in the warm-up and the measured burst)."""
    sent = []
    for i in range(BURST):
        interaction = fake.interaction_payload(
            2, users[i % USERS], channel, _data(COMMANDS[i % len(COMMANDS)])
        )
        sent.append(await fake.send_interaction(interaction))
    await asyncio.wait_for(asyncio.gather(*(i.answered.wait() for i in sent)), 60)
    return sent


def _final(fake: FakeDiscord, sent: list[FakeInteraction]) -> tuple[float, float]:
    """p50/p99 ms from dispatch to the message the user reads (the follow-up when deferred)."""
    done = sorted(fake.messages[i.messages[-1]].created - i.created for i in sent if i.messages)
    return statistics.median(done) * 1000, done[min(len(done) - 1, int(len(done) * 0.99))] * 1000


def _stats(sent: list[FakeInteraction]) -> tuple[float, float, int, int]:
    latencies = sorted(i.latency or 0.0 for i in sent)
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    late = sum(1 for x in latencies if x > 3.0)
    deferred = sum(1 for i in sent if i.response_type == 5)
    return p50 * 1000, p99 * 1000, late, deferred


async def steward_run(tmp: Path) -> tuple[list[FakeInteraction], tuple[float, float]]:
    fake = FakeDiscord()
    await fake.start()
    channel = fake.add_channel("general").id
    users = [fake.add_user(f"user{i}") for i in range(USERS)]
    section = f"discord:\n  token: {fake.token}\n  guild_ids: [{fake.guild_id}]\n"
    text = config_text(f"sqlite:///{tmp / 'bench.db'}", section)
    config = load_config_text(text, str(tmp / "steward.yaml"), base_dir=tmp)
    with fake.patched_discord_py():
        app = App(config)
        app.adapters.append(build_adapter(app, guild_ready_timeout=0.05))
        started, stop = asyncio.Event(), asyncio.Event()
        # Started as `steward run` starts it (start-up objects frozen out of full collections).
        running = asyncio.create_task(app.run_until_stopped(until=stop, on_started=lambda _: started.set()))
        up = asyncio.create_task(started.wait())
        await asyncio.wait({running, up}, return_when=asyncio.FIRST_COMPLETED)
        if running.done():
            await running  # start-up failed: raise its error
        try:
            await _burst(fake, channel, users)  # warm-up: creates the members, fills caches
            await app.adapters[0].wait_idle()  # type: ignore[attr-defined]
            fake.interactions.clear()
            gc.collect()  # what earlier rounds left is not this burst's cost (for the bare bot too)
            sent = await _burst(fake, channel, users)
            await app.adapters[0].wait_idle()  # type: ignore[attr-defined]
            final = _final(fake, sent)
        finally:
            stop.set()
            await running
    await fake.stop()
    return sent, final


@contextmanager
def python_defaults() -> Iterator[None]:
    """The bare bot collects garbage as any discord.py bot does, with Python's default thresholds
    (Steward, started earlier in this process, sets its own: bot/heap.py)."""
    saved = gc.get_threshold()
    gc.set_threshold(*PYTHON_GC_DEFAULTS)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


async def bare_run() -> list[FakeInteraction]:
    with python_defaults():
        return await _bare_run()


async def _bare_run() -> list[FakeInteraction]:
    fake = FakeDiscord()
    await fake.start()
    channel = fake.add_channel("general").id
    users = [fake.add_user(f"user{i}") for i in range(USERS)]
    with fake.patched_discord_py():
        client = discord.Client(intents=discord.Intents.none(), guild_ready_timeout=0.05)
        ready = asyncio.Event()

        async def on_ready() -> None:
            ready.set()

        async def on_interaction(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok", ephemeral=True)

        client.event(on_ready)
        client.event(on_interaction)
        await client.login(fake.token)
        task = asyncio.create_task(client.connect())
        await asyncio.wait_for(ready.wait(), 10)
        await _burst(fake, channel, users)
        fake.interactions.clear()
        gc.collect()
        sent = await _burst(fake, channel, users)
        await client.close()
        await task
    await fake.stop()
    return sent


async def main(rounds: int) -> int:
    logging.basicConfig(level=logging.WARNING)
    started = time.monotonic()
    print(f"{BURST} slash-command interactions in one burst over the fake gateway (after a warm-up burst),")
    print(f"{rounds} rounds, each the bare bot then Steward on the same machine a moment later")
    print(f"{'':14} {'p50 ms':>9} {'p99 ms':>9} {'>3 s':>6} {'deferred':>9}")
    ratios: list[float] = []
    late = deferred = 0
    for r in range(1, rounds + 1):
        with tempfile.TemporaryDirectory() as tmp:
            bare = _stats(await bare_run())
            steward_sent, final = await steward_run(Path(tmp))
            steward = _stats(steward_sent)
        for name, (p50, p99, over, put_off) in ((f"{r}: bare bot", bare), (f"{r}: steward", steward)):
            print(f"{name:14} {p50:9.1f} {p99:9.1f} {over:6d} {put_off:9d}")
        ratios.append(steward[1] / bare[1])
        late += steward[2]
        deferred += steward[3]
        print(
            f"{r}: steward until the reply itself is shown: p50 {final[0]:.1f} ms, p99 {final[1]:.1f} ms;"
            f" ratio steward/bare p50 {steward[0] / bare[0]:.2f}x, p99 {ratios[-1]:.2f}x"
        )
    ratio99 = statistics.median(ratios)
    print(f"ratio steward/bare p99, median of rounds: {ratio99:.2f}x (target <= {TARGET_RATIO}x)")
    print(f"all answered inside 3 s: {'yes' if late == 0 else 'NO'}; deferred: {deferred} (target 0)")
    print(f"peak RSS: {peak_rss_mib():.0f} MiB; run took {time.monotonic() - started:.1f} s")
    met = late == 0 and ratio99 <= TARGET_RATIO and deferred == 0
    print("targets: " + ("met" if met else "MISSED"))
    return 0 if met else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    sys.exit(asyncio.run(main(parser.parse_args().rounds)))
