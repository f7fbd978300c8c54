"""Workers until told to stop: ``ProcessGroup`` (``marketplace worker --processes N``) with
real child processes, and ``run_until_signalled`` with real signals sent to this process."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from process_targets import wait_for_sigterm

from marketplace.services.delivery import DeliveryReport
from marketplace.worker.processes import ProcessGroup, run_until_signalled

pytestmark = pytest.mark.integration

DEADLINE = 30.0


def eventually(check: Callable[[], bool], what: str) -> None:
    until = time.monotonic() + DEADLINE
    while not check():
        assert time.monotonic() < until, f"not within {DEADLINE:.0f} s: {what}"
        time.sleep(0.02)  # polling child processes with a deadline


def notes(folder: Path, kind: str, index: int) -> list[int]:
    """The pids of child ``index`` that noted ``kind`` (started or stopped)."""
    return sorted(int(p.name.split("-")[2]) for p in folder.glob(f"{kind}-{index}-*"))


def in_background(action: Callable[[], None]) -> list[BaseException]:
    """Run ``action`` in a thread; the exception it raised, if any, in the list."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
            os.kill(os.getpid(), signal.SIGTERM)  # let the group in the main thread stop

    threading.Thread(target=run, daemon=True).start()
    return errors


def test_a_child_killed_is_replaced_and_sigterm_stops_every_child_gracefully(
    tmp_path: Path,
) -> None:
    group = ProcessGroup(wait_for_sigterm, 2, args=(str(tmp_path),), restart_delay=0.1)
    killed: list[int] = []

    def kill_one_then_stop() -> None:
        eventually(lambda: notes(tmp_path, "started", 0) and notes(tmp_path, "started", 1), "two")
        [first] = notes(tmp_path, "started", 0)
        os.kill(first, signal.SIGKILL)
        killed.append(first)
        eventually(lambda: len(notes(tmp_path, "started", 0)) == 2, "a replacement for child 0")
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill <parent>` would

    errors = in_background(kill_one_then_stop)
    group.run()

    assert errors == []
    [replacement] = set(notes(tmp_path, "started", 0)) - set(killed)
    assert notes(tmp_path, "stopped", 0) == [replacement]  # the killed one never noted a stop
    assert notes(tmp_path, "stopped", 1) == notes(tmp_path, "started", 1)


class FakeWorker:
    """Runs until stopped (or, ``stubborn``, never); says whether it stopped in an orderly way."""

    def __init__(self, *, stubborn: bool = False) -> None:
        self.stubborn = stubborn
        self.running = threading.Event()
        self.stopped = threading.Event()
        self.finished = False

    def run(self, on_round: Callable[[DeliveryReport], None] | None = None) -> None:
        self.running.set()
        while not self.stopped.is_set() or self.stubborn:
            time.sleep(0.01)
        self.finished = True

    def stop(self) -> None:
        self.stopped.set()


def test_run_until_signalled_stops_the_worker_after_its_round_at_sigterm() -> None:
    worker = FakeWorker()

    def stop_it() -> None:
        assert worker.running.wait(DEADLINE)
        os.kill(os.getpid(), signal.SIGTERM)

    errors = in_background(stop_it)
    run_until_signalled(worker)  # type: ignore[arg-type]

    assert errors == []
    assert worker.finished


def test_a_second_signal_stops_at_once() -> None:
    worker = FakeWorker(stubborn=True)

    def interrupt_twice() -> None:
        assert worker.running.wait(DEADLINE)
        os.kill(os.getpid(), signal.SIGINT)
        eventually(worker.stopped.is_set, "the first signal asks the worker to stop")
        os.kill(os.getpid(), signal.SIGINT)

    in_background(interrupt_twice)
    with pytest.raises(KeyboardInterrupt):
        run_until_signalled(worker)  # type: ignore[arg-type]

    assert not worker.finished
    worker.stubborn = False  # let its thread end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored
