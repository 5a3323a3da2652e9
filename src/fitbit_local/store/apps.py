"""Registered applications (dev.fitbit.com "Register an app"): type, redirect URIs, access mode, intraday grant."""

from __future__ import annotations

import builtins
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import orjson
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from fitbit_local.ids import new_client_secret, new_encoded_id, token_hash
from fitbit_local.store.changes import write
from fitbit_local.store.schema import app_details, apps

APP_TYPES = ("server", "client", "personal")
# Plain http is only for callbacks on the developer's own machine; everything else needs https [anchors A5].
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# Schemes a browser would run or read locally instead of handing to an app: never a callback.
_NOT_CALLBACK_SCHEMES = ("javascript", "data", "vbscript", "file", "blob", "about")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def check_redirect_uris(uris: Sequence[str]) -> None:
    """Fitbit's registration rules for callback URLs (RFC 6749 §3.1.2, RFC 9700 §2.1): absolute, no fragment,
    https unless the host is loopback; a custom scheme (``myapp://callback``) is fine for native apps."""
    if not uris:
        raise ValueError("an app needs at least one redirect URI")
    for uri in uris:
        if "#" in uri:
            raise ValueError(f"a redirect URI must not contain a fragment: {uri}")
        if any(c.isspace() or not c.isprintable() for c in uri):
            raise ValueError(f"a redirect URI must not contain spaces or control characters: {uri!r}")
        # "localhost:8000/cb" would parse as the scheme "localhost": it is a host and port with the scheme left off
        if not _SCHEME.match(uri) or uri.lower().startswith("localhost:"):
            raise ValueError(
                "a redirect URI must be an absolute URI with a scheme "
                f"(https://…, or http://localhost/… for a local callback): {uri}"
            )
        parts = urlsplit(uri)
        scheme = parts.scheme.lower()
        if scheme in _NOT_CALLBACK_SCHEMES:
            raise ValueError(f"a redirect URI must not use the {scheme}: scheme: {uri}")
        if scheme not in ("http", "https"):
            if uri[len(scheme) + 1 :] in ("", "//"):
                raise ValueError(f"a redirect URI needs more than a scheme: {uri}")
            continue  # a native app's own scheme (Fitbit allowed them for mobile apps)
        try:
            host, _port = parts.hostname, parts.port
        except ValueError as exc:
            raise ValueError(f"a redirect URI has an invalid host or port: {uri}") from exc
        if not host:
            raise ValueError(f"a redirect URI must name a host: {uri}")
        if scheme == "http" and host not in LOOPBACK_HOSTS:
            raise ValueError(
                f"a redirect URI must use https unless its host is localhost, 127.0.0.1 or [::1]: {uri}"
            )


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
        check_redirect_uris(redirect_uris)
        secret = new_client_secret()
        for _attempt in range(20):
            client_id = new_encoded_id()
            try:
                with write(self._engine) as tx:
                    tx.conn.execute(
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
                            created_at=tx.now,
                        )
                    )
                    tx.record("apps", "created", user_id=owner_user_id, client_id=client_id)
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
            check_redirect_uris(redirect_uris)
            values["redirect_uris"] = orjson.dumps(list(redirect_uris)).decode()
        if read_only is not None and read_only != current.read_only:
            values["read_only"] = read_only
            values["access_generation"] = apps.c.access_generation + 1
        if values:
            with write(self._engine) as tx:
                tx.conn.execute(update(apps).where(apps.c.client_id == client_id).values(**values))
                tx.record("apps", "updated", user_id=current.owner_user_id, client_id=client_id)
        updated = self.get(client_id)
        assert updated is not None
        return updated


# --- issue 15: what dev.fitbit.com's registration form asked for, and the secret re-generated ---------------------
DETAIL_FIELDS = ("description", "website", "organization", "organization_website", "terms_url", "privacy_url")
_URL_FIELDS = ("website", "organization_website", "terms_url", "privacy_url")


def check_details(values: dict[str, str]) -> None:
    for key, value in values.items():
        if key not in DETAIL_FIELDS:
            raise ValueError(f"unknown app field {key!r}; known: {', '.join(DETAIL_FIELDS)}")
        if len(value) > 2000:
            raise ValueError(f"{key} is longer than 2000 characters")
        if key in _URL_FIELDS and value and (not value.startswith(("https://", "http://")) or " " in value):
            raise ValueError(f"{key.replace('_', ' ')} must be an http(s) URL: {value}")


class AppDetailsRepository:
    """The registration form's descriptive fields (table ``app_details``), one row per app, all optional."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, client_id: str) -> dict[str, str]:
        with self._engine.connect() as conn:
            row = conn.execute(select(app_details).where(app_details.c.client_id == client_id)).first()
        return {key: (getattr(row, key) if row is not None else "") for key in DETAIL_FIELDS}

    def set(self, client_id: str, **values: str) -> dict[str, str]:
        """Change the given fields (the rest stay); the app must exist."""
        check_details(values)
        current = self.get(client_id)
        merged = {**current, **values}
        with write(self._engine) as tx:
            exists = tx.conn.execute(select(apps.c.client_id).where(apps.c.client_id == client_id)).first()
            if exists is None:
                raise KeyError(client_id)
            tx.conn.execute(delete(app_details).where(app_details.c.client_id == client_id))
            tx.conn.execute(insert(app_details).values(client_id=client_id, **merged))
            tx.record("apps", "updated", client_id=client_id)
        return merged

    def regenerate_secret(self, client_id: str) -> str:
        """A new client secret (shown once, stored as a hash); the old one stops working at once. Tokens already
        issued stay valid: they were issued to the app, not to the secret."""
        secret = new_client_secret()
        with write(self._engine) as tx:
            changed = tx.conn.execute(
                update(apps).where(apps.c.client_id == client_id).values(secret_hash=token_hash(secret))
            ).rowcount
            if not changed:
                raise KeyError(client_id)
            tx.record("apps", "updated", client_id=client_id)
        return secret
