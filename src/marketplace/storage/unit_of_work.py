"""The SQL unit of work: one connection and its transaction, shared by every repository."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from marketplace.services.ports import (
    AccountRepository,
    AgreementRepository,
    ApiKeyRepository,
    AuditRepository,
    BillingRepository,
    CatalogRepository,
    OrderRepository,
    OrganizationRepository,
    OutboxRepository,
    ProcurementRepository,
    PunchoutRepository,
    RateLimitRepository,
    UserRepository,
)
from marketplace.storage.agreements import SqlAgreementRepository
from marketplace.storage.billing import SqlBillingRepository
from marketplace.storage.catalog import SqlCatalogRepository
from marketplace.storage.guarded import ALL_OR_NOTHING
from marketplace.storage.orders import SqlOrderRepository
from marketplace.storage.outbox import SqlOutboxRepository
from marketplace.storage.procurement import SqlAuditRepository, SqlProcurementRepository
from marketplace.storage.punchout import SqlPunchoutRepository
from marketplace.storage.rate_limits import SqlRateLimitRepository
from marketplace.storage.repositories import (
    SqlAccountRepository,
    SqlApiKeyRepository,
    SqlOrganizationRepository,
    SqlUserRepository,
)

__all__ = ["SqlUnitOfWork", "WriterTurns"]


class WriterTurns:
    """A process's units of work on one SQLite database, one at a time, first come first
    served (``threading.Lock`` wakes its waiters in order; SQLite's busy handler polls).

    A unit of work opened while the same thread holds a turn would wait for itself: that is
    a bug, refused at once rather than after the timeout.
    """

    def __init__(self, timeout: float) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._timeout = timeout

    def acquire(self) -> None:
        me = threading.get_ident()
        if self._owner == me:
            raise RuntimeError("a unit of work was opened inside another on the same thread")
        if not self._lock.acquire(timeout=self._timeout):
            raise TimeoutError(
                f"waited {self._timeout:.0f} s for the database (another unit of work kept it)"
            )
        self._owner = me

    def release(self) -> None:
        self._owner = None
        self._lock.release()


class SqlUnitOfWork:
    """A transaction over all repositories (``services.ports.UnitOfWork``).

    Entering the ``with`` block takes a pooled connection; ``commit()`` keeps the work done
    so far (later work starts a new transaction); leaving the block rolls back whatever was
    not committed and returns the connection.
    """

    organizations: OrganizationRepository
    accounts: AccountRepository
    users: UserRepository
    api_keys: ApiKeyRepository
    catalog: CatalogRepository
    procurement: ProcurementRepository
    audit: AuditRepository
    punchout: PunchoutRepository
    agreements: AgreementRepository
    orders: OrderRepository
    outbox: OutboxRepository
    billing: BillingRepository
    rate_limits: RateLimitRepository

    def __init__(
        self, engine: Engine, turns: WriterTurns | None = None, *, all_or_nothing: bool = False
    ) -> None:
        self._engine = engine
        self._turns = turns
        self._all_or_nothing = all_or_nothing
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already in use")
        if self._turns is not None:
            self._turns.acquire()
        try:
            connection = self._engine.connect()
        except BaseException:
            if self._turns is not None:
                self._turns.release()
            raise
        connection.info[ALL_OR_NOTHING] = self._all_or_nothing  # the pooled connection's
        self._connection = connection
        self.organizations = SqlOrganizationRepository(connection)
        self.accounts = SqlAccountRepository(connection)
        self.users = SqlUserRepository(connection)
        self.api_keys = SqlApiKeyRepository(connection)
        self.catalog = SqlCatalogRepository(connection)
        self.procurement = SqlProcurementRepository(connection)
        self.audit = SqlAuditRepository(connection)
        self.punchout = SqlPunchoutRepository(connection)
        self.agreements = SqlAgreementRepository(connection)
        self.orders = SqlOrderRepository(connection)
        self.outbox = SqlOutboxRepository(connection)
        self.billing = SqlBillingRepository(connection)
        self.rate_limits = SqlRateLimitRepository(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.rollback()
        finally:
            try:
                connection.close()
            finally:
                if self._turns is not None:
                    self._turns.release()

    def commit(self) -> None:
        """Make the work done so far durable."""
        self._active().commit()

    def rollback(self) -> None:
        """Undo the work done since the last commit."""
        self._active().rollback()

    def _active(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("use the unit of work in a `with` block")
        return self._connection
