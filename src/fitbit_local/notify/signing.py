"""``X-Fitbit-Signature`` and the copy of the client secret it needs.

Fitbit signed each notification body with HMAC-SHA1 keyed with ``<client_secret>&`` and sent the digest in Base64
[reference §8.4; plain Base64 with ``+``, ``/`` and ``=``, not URL-encoded, OBS]. The store keeps only a hash of an
app's secret, which cannot sign, so the secret is given again when a subscriber is registered (proving the caller
holds it: it must match the hash) and kept sealed with AES-256-GCM under a key derived from the database's own
signing key. The seal keeps the secret out of a dump of the subscribers table and out of logs; whoever holds the
whole database holds the token signing key as well, so it claims nothing more (docs/decisions.md, issue 13).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12
_PURPOSE = b"fitbit-local subscriber signing secret\0"


def signature(body: bytes, client_secret: str) -> str:
    """Base64(HMAC-SHA1(key=client_secret + "&", body)), as Fitbit computed it."""
    digest = hmac.new(f"{client_secret}&".encode(), body, hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_matches(body: bytes, client_secret: str, header: str) -> bool:
    """What a subscriber should do: compare in constant time (anchors K5)."""
    return hmac.compare_digest(signature(body, client_secret).encode(), header.encode())


def _cipher(server_key: bytes) -> AESGCM:
    return AESGCM(hashlib.shake_256(_PURPOSE + server_key).digest(32))


def seal_secret(server_key: bytes, client_id: str, client_secret: str) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + _cipher(server_key).encrypt(nonce, client_secret.encode(), client_id.encode())


def unseal_secret(server_key: bytes, client_id: str, sealed: bytes) -> str:
    try:
        plain = _cipher(server_key).decrypt(sealed[:_NONCE], sealed[_NONCE:], client_id.encode())
    except InvalidTag as exc:
        raise ValueError(f"the signing secret of app {client_id} cannot be unsealed") from exc
    return plain.decode()
