"""Fitbit's documented errors: the catalogue (data) and the one renderer."""

from fitbit_local.errors.catalogue import CATALOGUE, Envelope, ErrorKey, ErrorRow, FitbitError
from fitbit_local.errors.render import render_consent_message, render_fitbit_error

__all__ = [
    "CATALOGUE",
    "Envelope",
    "ErrorKey",
    "ErrorRow",
    "FitbitError",
    "render_consent_message",
    "render_fitbit_error",
]
