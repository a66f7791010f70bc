"""The bot's hold on the core: the current Retriever, rebuilds, concurrency and cooldowns.

Blocking core calls run in threads so the event loop (heartbeats, deferrals, other users)
never waits on them. Questions are bounded by a semaphore; a rebuild runs in a daemon thread
so that shutting down never waits for it (the core's build switches atomically, so a build
killed half-way leaves the old index serving).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from index.errors import BuildInProgress, IndexMismatch, IndexMissing

if TYPE_CHECKING:
    import datetime as dt

    from bot.settings import Settings
    from index.model.embed import Embedder
    from index.retrieval.search import Retriever
    from index.schema import Answer
    from index.store import IndexInfo
    from index.store.build import BuildProgress, BuildReport

log = logging.getLogger(__name__)

T = TypeVar("T")


_daemons: set[threading.Thread] = set()


def daemon_threads_running() -> int:
    """Daemon threads of ``in_daemon_thread`` still running (e.g. a build at shutdown)."""
    return sum(1 for t in list(_daemons) if t.is_alive())


def in_daemon_thread(fn: Callable[[], T]) -> Awaitable[T]:
    """Run ``fn`` in a daemon thread: awaitable, and never joined at interpreter exit."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(value: T | None, error: BaseException | None) -> None:
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)  # type: ignore[arg-type]

    def target() -> None:
        try:
            value, error = fn(), None
        except BaseException as exc:
            value, error = None, exc
        finally:
            _daemons.discard(threading.current_thread())
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits
            loop.call_soon_threadsafe(settle, value, error)

    thread = threading.Thread(target=target, name="secbrief-build", daemon=True)
    _daemons.add(thread)
    thread.start()
    return future


def settle_heap(collect: bool = True) -> None:
    """Move every object alive now (the model, the index) out of the garbage collector's reach.

    A full collection walks every tracked object: with the model and an index loaded that is
    about half a million, 0.15-0.3 s holding the GIL on whichever thread triggers it, the event
    loop's included (heartbeats and deferrals wait). Frozen objects are skipped by later
    collections, which then walk only what answering allocates. ``collect`` first clears what is
    already garbage, so that it is not frozen for good (at start-up, before serving).
    """
    if collect:
        gc.collect()
    gc.freeze()


class Cooldowns:
    """A per-user pause between questions, shared by /ask and mentions."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[int, float] = {}

    def hit(self, user_id: int) -> float:
        """0 and the question counts, or the seconds the user still has to wait."""
        if self.seconds <= 0:
            return 0.0
        now = self._clock()
        last = self._last.get(user_id)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        self._last[user_id] = now
        if len(self._last) > 10_000:  # forget users whose pause is over
            self._last = {u: t for u, t in self._last.items() if now - t < self.seconds}
        return 0.0


class RetrieverService:
    """Holds the current Retriever; swaps it after a rebuild; one rebuild at a time."""

    def __init__(self, settings: Settings, embedder: Embedder, retriever: Retriever) -> None:
        self.settings = settings
        self.embedder = embedder
        self._retriever = retriever
        self._slots = asyncio.Semaphore(max(1, settings.max_concurrent))
        self._waiting = 0
        self._running = 0
        self._sending = 0  # answers found and not yet sent (see ``answering``)
        self._idle = asyncio.Event()
        self._idle.set()
        self._rebuild: asyncio.Task[BuildReport] | None = None
        self._changing = False  # a fetch, an ingest or a purge is changing the corpus
        self.closing = False

    @classmethod
    async def open(cls, settings: Settings, embedder: Embedder | None = None) -> RetrieverService:
        """Load the model and the index; build the index first if there is none yet."""
        from index.retrieval.search import Retriever

        if embedder is None:
            from index.model.embed import load_embedder

            embedder = await asyncio.to_thread(load_embedder, settings.model)
        try:
            retriever = await asyncio.to_thread(Retriever.load, settings.index_dir, embedder)
        except (IndexMissing, IndexMismatch) as exc:
            # an index of an older format (after an upgrade) is rebuilt like a missing one: the
            # embedding cache is kept, so nothing is embedded again
            if isinstance(exc, IndexMismatch) and not exc.outdated:
                raise
            what = "an outdated index" if isinstance(exc, IndexMismatch) else "no index"
            log.warning(
                "%s at %s: building one from %s", what, settings.index_dir, settings.corpus_dir
            )
            from index.store.build import build_index

            report = await in_daemon_thread(
                lambda: build_index(settings.corpus_dir, settings.index_dir, embedder)
            )
            log.info("built the index: %d releases, %d passages", report.documents, report.chunks)
            retriever = await asyncio.to_thread(Retriever.load, settings.index_dir, embedder)
        settle_heap()  # before the gateway connects: nobody waits on this one collection
        return cls(settings, embedder, retriever)

    @property
    def retriever(self) -> Retriever:
        return self._retriever

    @property
    def info(self) -> IndexInfo:
        return self._retriever.info

    @property
    def rebuilding(self) -> bool:
        return self._rebuild is not None and not self._rebuild.done()

    @property
    def changing(self) -> bool:
        """A fetch, an ingest or a purge is changing the corpus and updating the index."""
        return self._changing

    @property
    def busy(self) -> bool:
        """Every slot is taken: a new question would wait."""
        return self._slots.locked()

    async def ask(
        self,
        question: str,
        *,
        k: int,
        since: dt.date | None = None,
        lang: str | None = None,
        on_queued: Callable[[int], Awaitable[object]] | None = None,
    ) -> Answer:
        """Answer ``question`` in a worker thread from the index current when it starts."""
        self._waiting += 1
        self._idle.clear()
        acquired = False
        try:
            if self._slots.locked() and on_queued is not None:
                await on_queued(self._running + self._waiting - 1)
            async with self._slots:
                acquired = True
                self._waiting -= 1
                self._running += 1
                try:
                    retriever = self._retriever  # a swap mid-question does not affect it
                    return await asyncio.to_thread(
                        retriever.ask, question, k, since=since, lang=lang
                    )
                finally:
                    self._running -= 1
        finally:
            if not acquired:
                self._waiting -= 1
            self._settle()

    def _settle(self) -> None:
        if self._waiting + self._running + self._sending == 0:
            self._idle.set()

    @contextlib.asynccontextmanager
    async def answering(self) -> AsyncIterator[None]:
        """Hold a shutdown (``drain``) until the answer is sent, not only found: between the
        two the feedback buttons are stored, and the reply needs the HTTP session open."""
        self._sending += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._sending -= 1
            self._settle()

    def start_rebuild(
        self, progress: Callable[[BuildProgress], None] | None = None
    ) -> asyncio.Task[BuildReport]:
        """Start rebuilding from the corpus folder; the new index serves the next questions.

        Raises BuildInProgress at once when a rebuild is already running (checked and
        claimed without yielding, so two admins cannot both start one). A failure leaves
        the current index in place and is raised by the task.
        """
        if self.rebuilding or self._changing:
            raise BuildInProgress(f"a rebuild of {self.settings.index_dir} is already running")
        self._rebuild = asyncio.get_running_loop().create_task(self._rebuild_now(progress))
        return self._rebuild

    async def rebuild(self, progress: Callable[[BuildProgress], None] | None = None) -> BuildReport:
        return await self.start_rebuild(progress)

    async def _rebuild_now(self, progress: Callable[[BuildProgress], None] | None) -> BuildReport:
        from index.retrieval.search import Retriever
        from index.store.build import build_index

        settings, embedder = self.settings, self.embedder
        report = await in_daemon_thread(
            lambda: build_index(settings.corpus_dir, settings.index_dir, embedder, progress)
        )
        fresh = await in_daemon_thread(lambda: Retriever.load(settings.index_dir, embedder))
        self._retriever = fresh
        settle_heap(collect=False)  # the new index joins the frozen heap; no pause while serving
        log.info(
            "index rebuilt and swapped in: %d releases, %d passages in %.1fs",
            report.documents,
            report.chunks,
            report.seconds,
        )
        return report

    async def change_corpus(self, job: Callable[[], T]) -> T:
        """Run ``job`` (it saves releases into the corpus folder and updates the index) in a
        daemon thread; then the updated index serves the next questions.

        One at a time, and never beside a rebuild: BuildInProgress at once otherwise. A job
        that fails leaves the index it had serving, and is raised here.
        """
        if self.rebuilding or self._changing:
            raise BuildInProgress("the index is being rebuilt or updated; try again shortly")
        self._changing = True
        try:
            try:
                return await in_daemon_thread(job)
            finally:
                await self.reload_if_changed()
        finally:
            self._changing = False

    async def reload_if_changed(self) -> bool:
        """Load the current index when it is not the one serving (after an update)."""
        from index import store
        from index.retrieval.search import Retriever

        settings, embedder = self.settings, self.embedder
        try:
            current = store.resolve(settings.index_dir)
        except IndexMissing:
            return False
        if current == self._retriever.info.path:
            return False
        self._retriever = await in_daemon_thread(
            lambda: Retriever.load(settings.index_dir, embedder)
        )
        settle_heap(collect=False)
        log.info("index updated and swapped in: %d releases", self._retriever.info.documents)
        return True

    async def drain(self, timeout: float) -> None:
        """Stop taking questions and wait up to ``timeout`` for those in flight."""
        self.closing = True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning(
                "shutting down with %d question(s) unanswered",
                max(self._running + self._waiting, self._sending),
            )
