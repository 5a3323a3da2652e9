"""The endpoint families the server serves, in routing order. A family is a module exporting ``ROWS``; adding one
is one more entry here (and its rows, handler and data)."""

from __future__ import annotations

from fitbit_local.api import (
    activity,
    activity_logs,
    activity_tcx,
    activity_types,
    azm,
    body,
    body_goals,
    breathing,
    cardio_fitness,
    devices,
    ecg,
    favorite_activities,
    food_goals,
    foods,
    goals,
    heart,
    hrv,
    irn,
    lifetime,
    meals,
    nutrition,
    sleep,
    social,
    spo2,
    subscriptions,
    temperature,
    user,
    water,
)
from fitbit_local.api.registry import Endpoint, check_rows

FAMILIES = (
    ("user", user.ROWS),
    ("heart", heart.ROWS),
    ("active-zone-minutes", azm.ROWS),
    ("activity", activity.ROWS),
    # issue 12: the rest of the account
    ("activity-types", activity_types.ROWS),
    ("activity-logs", activity_logs.ROWS),
    ("activity-tcx", activity_tcx.ROWS),
    ("favorite-activities", favorite_activities.ROWS),
    ("activity-goals", goals.ROWS),
    ("lifetime", lifetime.ROWS),
    ("devices", devices.ROWS),
    ("social", social.ROWS),
    ("subscriptions", subscriptions.ROWS),
    # issue 11: body and nutrition
    ("body", (*body.ROWS, *body_goals.ROWS)),
    ("foods", foods.ROWS),
    ("nutrition", (*nutrition.ROWS, *water.ROWS, *food_goals.ROWS)),
    ("meals", meals.ROWS),
    # issue 10: sleep and the health metrics
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
