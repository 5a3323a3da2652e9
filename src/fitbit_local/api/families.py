"""The endpoint families the server serves, in routing order. A family is a module exporting ``ROWS``; adding one
is one more entry here (and its rows, handler and data)."""

from __future__ import annotations

from fitbit_local.api import (
    activity,
    azm,
    breathing,
    cardio_fitness,
    ecg,
    heart,
    hrv,
    irn,
    sleep,
    spo2,
    temperature,
    user,
)
from fitbit_local.api.registry import Endpoint, check_rows

FAMILIES = (
    ("user", user.ROWS),
    ("heart", heart.ROWS),
    ("active-zone-minutes", azm.ROWS),
    ("activity", activity.ROWS),
    ("sleep", sleep.ROWS),
    ("hrv", hrv.ROWS),
    ("spo2", spo2.ROWS),
    ("breathing-rate", breathing.ROWS),
    ("temperature", temperature.ROWS),
    ("cardio-fitness", cardio_fitness.ROWS),
    ("ecg", ecg.ROWS),
    ("irn", irn.ROWS),
)


def endpoint_rows() -> list[Endpoint]:
    """Every registry row, family by family in FAMILIES order, each family's rows in its own order."""
    return check_rows([row for _, rows in FAMILIES for row in rows])
