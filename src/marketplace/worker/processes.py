"""Running workers until told to stop: one in the foreground, or several child processes.

- :func:`run_until_signalled` runs a :class:`~marketplace.worker.runner.Worker` in a thread
  of this process until SIGINT (Ctrl-C) or SIGTERM, then lets it finish the message in hand
  (a second signal stops at once). ``marketplace worker`` runs it, and so does each child
  process of ``marketplace worker --processes N``.
- :class:`ProcessGroup` is that command's parent: it starts N child processes with
  multiprocessing's ``spawn`` method (each a fresh interpreter that shares nothing with the
  parent but the arguments it is given), starts another in place of one that dies (after a
  pause, so that a child failing at start-up does not spin), and on SIGINT or SIGTERM sends
  SIGTERM to every child and waits for them, killing those still there after
  ``stop_timeout`` (or at a second signal). The children ignore SIGINT: Ctrl-C reaches the
  whole process group, and the parent's one SIGTERM is what stops them.

Signal handlers only record the signal: the loops poll for it, so a handler never takes a
lock that the code it interrupted may hold.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.context import SpawnProcess
from types import FrameType

from marketplace.services.delivery import DeliveryReport
from marketplace.worker.runner import Worker

__all__ = ["ProcessGroup", "run_until_signalled"]

_log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
POLL_SECONDS = 0.2
RESTART_DELAY = 1.0  # seconds before a child that died is replaced
STOP_TIMEOUT = 60.0  # seconds the children get to finish the message in hand


@contextmanager
def _on_signals(
    handler: Callable[[int], None], signals: Sequence[int] = STOP_SIGNALS
) -> Iterator[None]:
    """``handler(signum)`` on ``signals`` for the block (main thread only)."""

    def handle(signum: int, frame: FrameType | None) -> None:
        handler(signum)

    previous = {sig: signal.signal(sig, handle) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_until_signalled(
    worker: Worker,
    on_round: Callable[[DeliveryReport], None] | None = None,
    *,
    child: bool = False,
) -> None:
    """Run ``worker`` until SIGINT or SIGTERM; then it finishes the message in hand.

    A second signal raises ``KeyboardInterrupt`` here: the worker thread (a daemon) goes
    with the process, and a message it was sending is sent again once its lease ends. A
    ``child`` of a :class:`ProcessGroup` ignores SIGINT (its parent sends SIGTERM).
    """
    if child:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    signals: list[int] = []

    def note(signum: int) -> None:
        if signals:
            raise KeyboardInterrupt
        signals.append(signum)
        _log.info("worker: %s received; stopping after the message in hand", _name(signum))

    thread = threading.Thread(
        target=worker.run, kwargs={"on_round": on_round}, name="outbox-worker", daemon=True
    )
    with _on_signals(note, (signal.SIGTERM,) if child else STOP_SIGNALS):
        thread.start()
        while thread.is_alive():
            if signals:
                worker.stop()
            thread.join(POLL_SECONDS)


def _name(signum: int) -> str:
    return signal.Signals(signum).name


@dataclass
class _Child:
    index: int
    process: SpawnProcess


@dataclass
class ProcessGroup:
    """``count`` child processes each running ``target(index, *args)`` (see the module
    docstring); ``target`` and ``args`` must be picklable (a module-level function)."""

    target: Callable[..., None]
    count: int
    args: Sequence[object] = ()
    restart_delay: float = RESTART_DELAY
    stop_timeout: float = STOP_TIMEOUT
    name: str = "worker"
    _children: dict[int, _Child] = field(default_factory=dict, repr=False)
    _dead_since: dict[int, float] = field(default_factory=dict, repr=False)
    _signals: list[int] = field(default_factory=list, repr=False)

    def run(self) -> None:
        """Start the children and keep them running until SIGINT or SIGTERM, then stop them."""
        with _on_signals(self._signals.append):
            try:
                for index in range(self.count):
                    self._start(index)
                while not self._signals:
                    self._replace_dead()
                    time.sleep(POLL_SECONDS)
                _log.info(
                    "%s: %s received; stopping %d processes",
                    self.name,
                    _name(self._signals[0]),
                    len(self._children),
                )
            finally:
                self._stop_all()

    @property
    def pids(self) -> list[int]:
        """The children's process ids, by index."""
        return [
            child.process.pid
            for _, child in sorted(self._children.items())
            if child.process.pid is not None
        ]

    def _start(self, index: int) -> None:
        context = multiprocessing.get_context("spawn")
        process = context.Process(
            target=self.target,
            args=(index, *self.args),
            name=f"{self.name}-{index}",
            daemon=False,
        )
        process.start()
        self._children[index] = _Child(index, process)
        _log.info("%s %d started (pid %s)", self.name, index, process.pid)

    def _replace_dead(self) -> None:
        now = time.monotonic()
        for index, child in list(self._children.items()):
            if child.process.is_alive():
                continue
            dead_since = self._dead_since.setdefault(index, now)
            if dead_since == now:
                _log.warning(
                    "%s %d (pid %s) exited with %s; starting another in %.0f s",
                    self.name,
                    index,
                    child.process.pid,
                    child.process.exitcode,
                    self.restart_delay,
                )
            if now - dead_since >= self.restart_delay:
                child.process.close()
                del self._dead_since[index]
                self._start(index)

    def _stop_all(self) -> None:
        """SIGTERM to every child; SIGKILL to those still there after ``stop_timeout`` or at a
        second signal."""
        for child in self._children.values():
            if child.process.is_alive():
                child.process.terminate()
        deadline = time.monotonic() + self.stop_timeout
        while self._alive() and time.monotonic() < deadline and len(self._signals) < 2:
            time.sleep(POLL_SECONDS)
        for child in self._alive():
            _log.warning("%s %d did not stop in time; killing it", self.name, child.index)
            child.process.kill()
        for child in self._children.values():
            child.process.join()

    def _alive(self) -> list[_Child]:
        return [child for child in self._children.values() if child.process.is_alive()]
