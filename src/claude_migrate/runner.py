"""Check or fix many files: cached results first, the rest in a pool of worker processes when
there are enough of them to pay for it (in-process otherwise), each result yielded in the order
of the files. Workers only read and compute; the parent writes every file and the cache."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from claude_migrate.cache import Cache, Entry, file_stat
from claude_migrate.findings import FileResult
from claude_migrate.settings import Settings, for_path

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

#: What stops a run; held while workers start.
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}

#: Below this many files to parse, starting workers costs more than it saves.
POOL_MIN_FILES = 16


@dataclass(frozen=True)
class Task:
    path: Path
    display: str
    settings: Settings
    fix: bool
    known_hash: str | None  # the cached hash: bytes that still hash to it need no new check
    hash_content: bool  # the cache is on: hash the bytes checked


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_files(
    items: list, settings_for: Callable[[str], Settings], fix: bool, jobs: int | None, cache: Cache | None
) -> Iterator[tuple[object, FileResult]]:
    """(item, result) for each item (a SourcePath), in order; fills ``cache`` as it goes."""
    tune_gc()
    tasks: list[Task | None] = []
    hits: list[FileResult | None] = []
    stats: list = []
    for item in items:
        settings = for_path(settings_for(item.display), item.display)  # the cache key includes test_file
        entry = cache.get(item, settings) if cache else None
        usable = entry is not None and not (fix and _fixable(entry, settings))
        stat = file_stat(item.path) if cache else None
        if usable and entry.stat is not None and entry.stat == stat:
            hits.append(_from_cache(item.display, entry))
            tasks.append(None)
        else:
            hits.append(None)
            tasks.append(Task(item.path, item.display, settings, fix, entry.hash if usable else None, cache is not None))
        stats.append(stat)
    results = _map_ordered([t for t in tasks if t is not None], jobs or default_jobs())
    for item, task, hit, stat in zip(items, tasks, hits, stats):
        if task is None:
            yield item, hit
            continue
        result = next(results)
        if result.unchanged_since_cache:
            result = _from_cache(item.display, cache.get(item, task.settings))
        if cache is not None and result.content_hash and not result.changed and result.error is None:
            cache.put(item, task.settings, stat, result.content_hash, result.findings)
        yield item, result


def _fixable(entry: Entry, settings: Settings) -> bool:
    return any(f.fixable(settings.unsafe_fixes) for f in entry.findings)


def _from_cache(display: str, entry: Entry) -> FileResult:
    findings = [replace(f, path=display) for f in entry.findings]
    return FileResult(display, findings=findings, content_hash=entry.hash)


def run_task(task: Task) -> FileResult:
    from claude_migrate.engine import check_path

    result = check_path(task.path, task.display, task.settings, task.fix, task.known_hash, task.hash_content)
    if not result.changed:
        result.original = b""  # not needed by the parent, and costly to send back
    return result


def run_chunk(tasks: list[Task]) -> list[FileResult]:
    return [run_task(task) for task in tasks]


def _map_ordered(tasks: list[Task], jobs: int) -> Iterator[FileResult]:
    if jobs <= 1 or len(tasks) < POOL_MIN_FILES:
        yield from map(run_task, tasks)
        return
    from concurrent.futures.process import BrokenProcessPool

    import claude_migrate.engine  # noqa: F401 - imported (with LibCST) once, for every worker

    size = max(1, min(32, len(tasks) // (jobs * 8)))
    chunks = deque(tasks[i:i + size] for i in range(0, len(tasks), size))
    while chunks:
        pool = _pool(min(jobs, len(chunks)))
        window: deque = deque()
        try:
            # A bounded window of chunks in flight: results stream back in order, memory stays flat.
            while chunks:
                try:
                    while len(window) < min(jobs * 4, len(chunks)):
                        window.append(_submit(pool, run_chunk, chunks[len(window)]))
                    results = window[0].result()
                except BrokenProcessPool:
                    break  # a worker died (a crash in native code): isolate the chunks in flight
                window.popleft()
                chunks.popleft()
                if not chunks:  # the last results: the workers are done, end them before handing these out
                    pool.shutdown()
                yield from results
        except BaseException:
            # An error, an interrupt, or the consumer stopped early: stop the workers now. (An
            # early stop cannot wait for them either: it is how an interrupt in the consumer's
            # loop reaches us, as the exception drops the loop and so closes this generator.)
            stop_workers()
            raise
        pool.shutdown()
        if window:
            for _ in range(len(window)):
                yield from map(_isolated, chunks.popleft())


#: The pools not yet collected, for stop_workers.
_pools: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()


def _pool(jobs: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork is the cheapest start where it is safe; elsewhere each worker imports anew.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))
    _pools.add(pool)
    return pool


def _submit(pool: ProcessPoolExecutor, function: Callable, argument: object) -> Future:
    """``pool.submit``, which starts the workers, with Ctrl-C and SIGTERM held meanwhile: a
    worker must not get one before _start_worker has set its own handlers (it would run the
    parent's, and die with a traceback). The parent gets them as soon as this returns."""
    if not hasattr(signal, "pthread_sigmask"):  # not on POSIX: there is no fork either
        return pool.submit(function, argument)
    held = _STOP_SIGNALS - signal.pthread_sigmask(signal.SIG_BLOCK, ())  # those not held already
    try:  # (a signal already caught is raised by the call that blocks: it too must unblock)
        signal.pthread_sigmask(signal.SIG_BLOCK, held)
        return pool.submit(function, argument)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def _isolated(task: Task) -> FileResult:
    """Check one file in a process of its own; if that process dies, the file gets CM000."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(1)
    try:
        result = _submit(pool, run_task, task).result()
    except BrokenProcessPool:
        from claude_migrate.engine import finish_result, unparseable

        message = "the checker crashed on this file (please report this); the file was not checked"
        result = finish_result(FileResult(task.display), [unparseable(f"internal error: {message}")])
    except BaseException:  # an interrupt: stop the worker now, not at the end of its file
        stop_workers()
        raise
    pool.shutdown()
    return result


def tune_gc() -> None:
    """A parse allocates hundreds of thousands of nodes, and the collector, at its default
    threshold, walks them again and again (a tenth of the check time). Trees hold no cycles
    (nodes have no parent links), so collecting rarely is enough; memory stays flat."""
    gc.freeze()  # what is loaded by now (LibCST, the catalog) lives as long as the run
    gc.set_threshold(50_000, 20, 20)


def stop_workers() -> None:
    """End every worker at once (on Ctrl-C, an error, or a consumer that stops early): what they
    were checking is thrown away. Then wait for each pool's thread to see them gone and end: left
    running, it races the interpreter's exit hook, which prints `OSError: [Errno 9] Bad file
    descriptor`, or hangs the exit."""
    import multiprocessing

    workers = multiprocessing.active_children()
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join()
    for pool in list(_pools):
        # A worker killed while it sent its results leaves half a message, and the pool's thread
        # waits for the rest as long as a write end of their pipe is open: ours is the last one.
        results = getattr(pool, "_result_queue", None)
        if results is not None:
            results._writer.close()
        pool.shutdown(cancel_futures=True)


def _start_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group; the parent alone handles it and stops the pool,
    # with SIGTERM, which must kill a worker (a forked worker inherits the parent's handler).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # held since the fork (see _submit)
    tune_gc()
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """A parent killed outright (SIGKILL, a cancelled CI job) cannot stop its workers: they
    notice it is gone and stop themselves, instead of running on as orphans."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)
