"""X-Fitbit-Signature as Fitbit's docs describe it, and the sealed copy of the secret it is computed with."""

from __future__ import annotations

import pytest

from fitbit_local.notify.signing import seal_secret, signature, unseal_secret
from tests.subscriptions.subscriber import fitbit_signature_ok

BODY = b'[{"collectionType":"body","date":"2026-11-20","ownerId":"ABC123","ownerType":"user","subscriptionId":"1"}]'


def test_the_signature_is_what_a_subscriber_following_the_docs_computes() -> None:
    header = signature(BODY, "secret-1")
    assert fitbit_signature_ok(BODY, "secret-1", header)
    assert not fitbit_signature_ok(BODY, "secret-2", header)
    assert not fitbit_signature_ok(BODY + b" ", "secret-1", header)
    assert len(header) == 28 and header.endswith("=")  # plain Base64 of 20 bytes, not URL-encoded


def test_the_sealed_secret_opens_only_with_the_same_key_and_app() -> None:
    sealed = seal_secret(b"k" * 32, "ABC123", "the secret")
    assert b"the secret" not in sealed
    assert unseal_secret(b"k" * 32, "ABC123", sealed) == "the secret"
    with pytest.raises(ValueError):
        unseal_secret(b"x" * 32, "ABC123", sealed)
    with pytest.raises(ValueError):
        unseal_secret(b"k" * 32, "OTHER1", sealed)
