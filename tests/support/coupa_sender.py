"""Purchase orders posted as Coupa posts them, from client threads, through failures.

A transport error or a 5xx is sent again, the same document, after a short pause (Coupa's
rule; it does not retry a 4xx, which is an answer). With several app URLs, PO ``i`` goes
first to app ``i % n`` and each retry to the next one, as a load balancer takes a dead
backend out. The crash and scale-out tests kill servers while it sends.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Sequence

import httpx
from orders_support import CXML_HEADERS, OrderAnswer, read_answer

__all__ = ["CoupaSender"]


class CoupaSender:
    """Sends every body to ``/cxml/orders`` from ``clients`` threads, started at once."""

    def __init__(
        self,
        base_urls: Sequence[str],
        bodies: Sequence[bytes],
        *,
        clients: int,
        deadline: float,
        retry_pause: float = 0.05,  # seconds (minutes in real life)
    ) -> None:
        self.base_urls = list(base_urls)
        self.bodies = list(bodies)
        self.answers: dict[int, OrderAnswer] = {}
        self.retries: Counter[int] = Counter()
        self.errors: list[BaseException] = []
        self._seconds = deadline
        self._retry_pause = retry_pause
        self._answered = threading.Condition()
        self._todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for index in range(len(self.bodies)):
            self._todo.put(index)
        self._deadline = time.monotonic() + deadline
        self._threads = [
            threading.Thread(target=self._run, name=f"coupa-{n}", daemon=True)
            for n in range(clients)
        ]
        for thread in self._threads:
            thread.start()

    def wait_for(self, count: int) -> None:
        """Until ``count`` POs are answered (failing at the deadline)."""
        with self._answered:
            reached = self._answered.wait_for(
                lambda: len(self.answers) >= count or bool(self.errors),
                timeout=self._deadline - time.monotonic(),
            )
        assert not self.errors, self.errors
        assert reached, f"only {len(self.answers)} PO(s) answered before the deadline"

    def join(self) -> list[OrderAnswer]:
        """Every PO's answer, in the order of the documents."""
        for thread in self._threads:
            thread.join(timeout=max(self._deadline - time.monotonic(), 0.1))
        assert not self.errors, self.errors
        assert len(self.answers) == len(self.bodies), "not every PO was answered in time"
        return [self.answers[index] for index in range(len(self.bodies))]

    def _run(self) -> None:
        clients = [httpx.Client(base_url=url, timeout=30.0) for url in self.base_urls]
        try:
            while True:
                try:
                    index = self._todo.get_nowait()
                except queue.Empty:
                    return
                answer = self._send(clients, index)
                with self._answered:
                    self.answers[index] = answer
                    self._answered.notify_all()
        except BaseException as exc:  # reported by wait_for and join
            with self._answered:
                self.errors.append(exc)
                self._answered.notify_all()
        finally:
            for client in clients:
                client.close()

    def _send(self, clients: Sequence[httpx.Client], index: int) -> OrderAnswer:
        attempt = 0
        while time.monotonic() < self._deadline:
            client = clients[(index + attempt) % len(clients)]
            try:
                response = client.post("/cxml/orders", content=self.bodies[index],
                                       headers=CXML_HEADERS)  # fmt: skip
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code < 500:
                return read_answer(response)
            attempt += 1
            with self._answered:
                self.retries[index] += 1
            time.sleep(self._retry_pause)  # the server is down or restarting: try again
        raise TimeoutError(f"PO {index} was not answered within {self._seconds:.0f} s")
