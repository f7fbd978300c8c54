"""The SQL unit of work: one connection and its transaction, shared by every repository."""

from __future__ import annotations

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

__all__ = ["SqlUnitOfWork"]


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

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already in use")
        connection = self._engine.connect()
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
            connection.close()

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
