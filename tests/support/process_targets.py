"""Child-process targets for the ``ProcessGroup`` tests (a module the spawned children can
import by name: ``tests/support`` is on their ``sys.path`` as on the parent's)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from types import FrameType

__all__ = ["wait_for_sigterm"]


def wait_for_sigterm(index: int, folder: str) -> None:
    """Note ``started-<index>-<pid>`` in ``folder``, wait for SIGTERM, note ``stopped-…``."""
    name = f"{index}-{os.getpid()}"
    signals: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        signals.append(signum)

    signal.signal(signal.SIGTERM, note)
    (Path(folder) / f"started-{name}").touch()
    while not signals:
        time.sleep(0.02)  # a stand-in worker's idle loop
    (Path(folder) / f"stopped-{name}").touch()
