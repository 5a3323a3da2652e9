"""Identifiers shaped like Fitbit's, and the hashing used to store them.

Encoded user ids and client ids are 6 upper-case alphanumerics (e.g. ``GGNJL9``, ``22BDPG``); client secrets are 32
hex characters; refresh tokens 64 hex characters [DOC examples]; authorization codes 40 hex characters.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def new_encoded_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(6))


def new_client_secret() -> str:
    return secrets.token_hex(16)


def new_refresh_token() -> str:
    return secrets.token_hex(32)


def new_authorization_code() -> str:
    return secrets.token_hex(20)


def token_hash(value: str) -> str:
    """SHA-256 of a secret, code or token: what the database stores (the values are high-entropy, so no salt)."""
    return hashlib.sha256(value.encode()).hexdigest()


def secret_matches(candidate: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(candidate), stored_hash)


def is_encoded_id(value: str) -> bool:
    return len(value) == 6 and all(c in _ALPHABET for c in value)
