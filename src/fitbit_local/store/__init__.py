"""Persistence: SQLAlchemy Core over an SQLite file (default) or PostgreSQL (by URL), the same code for both."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from sqlalchemy import Engine

from fitbit_local.store.apps import AppDetailsRepository, AppRepository
from fitbit_local.store.changes import ChangeRepository, WriteTransaction, write
from fitbit_local.store.db import create_db_engine, database_url_for, migrate
from fitbit_local.store.deliveries import DeliveryQueue
from fitbit_local.store.faults import FaultRepository
from fitbit_local.store.grants import GrantRepository
from fitbit_local.store.metrics import MetricRepository
from fitbit_local.store.series import SeriesRepository
from fitbit_local.store.sleep import SleepRepository
from fitbit_local.store.subscriptions import SubscriptionRepository
from fitbit_local.store.users import UserRepository


class Store:
    """The repositories over one database. Cheap to share across threads; each call takes its own connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.users = UserRepository(engine)
        self.apps = AppRepository(engine)
        self.app_details = AppDetailsRepository(engine)
        self.faults = FaultRepository(engine)
        self.grants = GrantRepository(engine)
        self.series = SeriesRepository(engine)
        self.changes = ChangeRepository(engine)
        self.subscriptions = SubscriptionRepository(engine)  # issue 13
        self.deliveries = DeliveryQueue(engine)  # issue 13
        self.sleep = SleepRepository(engine)  # issue 10
        self.metrics = MetricRepository(engine)

    @property
    def sandbox(self) -> FaultRepository:
        """The older name of `faults` (the sandbox's clock and epoch are `fitbit_local.clock.SandboxState`)."""
        return self.faults

    @classmethod
    def open(cls, *, data_dir: str | Path | None = None, database_url: str | None = None) -> Store:
        """Open (creating and migrating if needed) the store named by a URL or a data directory."""
        if database_url is None:
            database_url = database_url_for(data_dir if data_dir is not None else "./fitbit-local-data")
        engine = create_db_engine(database_url)
        migrate(engine)
        return cls(engine)

    def write(self) -> AbstractContextManager[WriteTransaction]:
        """A write transaction through the change seam (store/changes.py)."""
        return write(self.engine)

    def close(self) -> None:
        self.engine.dispose()
