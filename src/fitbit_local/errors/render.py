"""Render a catalogue error as Fitbit did: the classic body, the 2026 Google envelope, or consent-page text."""

from __future__ import annotations

from typing import Any

from fitbit_local.errors.catalogue import Envelope, FitbitError


def classic_body(error: FitbitError) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if error.row.error_type is not None:
        item["errorType"] = error.row.error_type
    if error.field_name is not None:
        item["fieldName"] = error.field_name
    item["message"] = error.message
    return {"errors": [item], "success": False}


def google_body(error: FitbitError) -> dict[str, Any]:
    return {
        "error": {
            "code": error.status,
            "message": error.message,
            "status": error.row.google_status or "UNKNOWN",
        }
    }


def subscription_conflict_body(error: FitbitError) -> dict[str, Any]:
    # The 409 body is the conflicting subscription itself [DOC status-code table].
    keys = ("collectionType", "ownerId", "ownerType", "subscriberId", "subscriptionId")
    return {key: str(error.args_map.get(key, "")) for key in keys}


def render_fitbit_error(error: FitbitError, *, envelope: Envelope | None = None) -> dict[str, Any]:
    """The JSON body for `error`; `envelope` overrides the row's own (e.g. the Google form of a 403)."""
    chosen = envelope or error.row.envelope
    if chosen is Envelope.GOOGLE:
        return google_body(error)
    if chosen is Envelope.SUBSCRIPTION:
        return subscription_conflict_body(error)
    return classic_body(error)


def render_consent_message(error: FitbitError) -> str:
    """The line Fitbit showed on the authorization form, e.g. 'invalid_request - Missing scope parameter value'."""
    return f"{error.row.error_type} - {error.message}"
