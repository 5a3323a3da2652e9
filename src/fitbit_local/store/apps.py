"""Registered applications (dev.fitbit.com "Register an app"): type, redirect URIs, access mode, intraday grant."""

from __future__ import annotations

import builtins
import time
from dataclasses import dataclass

import orjson
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from fitbit_local.ids import new_client_secret, new_encoded_id, token_hash
from fitbit_local.store.sandbox import bump_epoch
from fitbit_local.store.schema import apps

APP_TYPES = ("server", "client", "personal")


@dataclass(frozen=True)
class App:
    client_id: str
    name: str
    secret_hash: str
    app_type: str
    redirect_uris: tuple[str, ...]
    owner_user_id: str | None
    read_only: bool
    intraday: bool
    access_generation: int

    def to_json(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "name": self.name,
            "type": self.app_type,
            "redirect_uris": list(self.redirect_uris),
            "owner": self.owner_user_id,
            "read_only": self.read_only,
            "intraday": self.intraday,
        }


def _row_to_app(row) -> App:
    return App(
        client_id=row.client_id,
        name=row.name,
        secret_hash=row.secret_hash,
        app_type=row.app_type,
        redirect_uris=tuple(orjson.loads(row.redirect_uris)),
        owner_user_id=row.owner_user_id,
        read_only=bool(row.read_only),
        intraday=bool(row.intraday),
        access_generation=row.access_generation,
    )


class AppRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(
        self,
        *,
        name: str,
        app_type: str,
        redirect_uris: list[str],
        owner_user_id: str | None = None,
        read_only: bool = False,
        intraday: bool = False,
    ) -> tuple[App, str]:
        """Register an app; returns it with its client secret (shown once, stored only as a hash)."""
        if app_type not in APP_TYPES:
            raise ValueError(f"app type must be one of {', '.join(APP_TYPES)}")
        if not redirect_uris:
            raise ValueError("an app needs at least one redirect URI")
        for uri in redirect_uris:
            if "#" in uri:
                raise ValueError(f"a redirect URI must not contain a fragment: {uri}")
        secret = new_client_secret()
        for _attempt in range(20):
            client_id = new_encoded_id()
            try:
                with self._engine.begin() as conn:
                    conn.execute(
                        insert(apps).values(
                            client_id=client_id,
                            name=name,
                            secret_hash=token_hash(secret),
                            app_type=app_type,
                            redirect_uris=orjson.dumps(list(redirect_uris)).decode(),
                            owner_user_id=owner_user_id,
                            read_only=read_only,
                            intraday=intraday,
                            access_generation=0,
                            created_at=time.time(),
                        )
                    )
            except IntegrityError:
                continue
            app = self.get(client_id)
            assert app is not None
            return app, secret
        raise RuntimeError("could not allocate a client id")

    def get(self, client_id: str) -> App | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(apps).where(apps.c.client_id == client_id)).first()
        return _row_to_app(row) if row is not None else None

    def list(self) -> list[App]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(apps).order_by(apps.c.created_at)).all()
        return [_row_to_app(r) for r in rows]

    def find_by_name(self, name: str) -> App | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(apps).where(apps.c.name == name)).first()
        return _row_to_app(row) if row is not None else None

    def update(
        self,
        client_id: str,
        *,
        app_type: str | None = None,
        intraday: bool | None = None,
        read_only: bool | None = None,
        owner_user_id: str | None = None,
        redirect_uris: builtins.list[str] | None = None,
    ) -> App:
        """Change settings. Type and intraday apply to tokens issued afterwards (a new token is needed, as the
        forum answer in the seed says); switching read-only/read-write invalidates every existing token [DOC]."""
        current = self.get(client_id)
        if current is None:
            raise KeyError(client_id)
        values: dict[str, object] = {}
        if app_type is not None:
            if app_type not in APP_TYPES:
                raise ValueError(f"app type must be one of {', '.join(APP_TYPES)}")
            values["app_type"] = app_type
        if intraday is not None:
            values["intraday"] = intraday
        if owner_user_id is not None:
            values["owner_user_id"] = owner_user_id
        if redirect_uris is not None:
            values["redirect_uris"] = orjson.dumps(list(redirect_uris)).decode()
        if read_only is not None and read_only != current.read_only:
            values["read_only"] = read_only
            values["access_generation"] = apps.c.access_generation + 1
        if values:
            with self._engine.begin() as conn:
                conn.execute(update(apps).where(apps.c.client_id == client_id).values(**values))
                bump_epoch(conn)
        updated = self.get(client_id)
        assert updated is not None
        return updated
