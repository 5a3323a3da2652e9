"""Activity goals the user set (daily and weekly), one value per goal type; and profile settings beyond the users
table's columns. Both are small key/value rows written through the change seam."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Engine, delete, insert, select

from fitbit_local.store.changes import write
from fitbit_local.store.schema import activity_goals, profile_settings


class GoalRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def goals(self, user_id: str, period: str) -> dict[str, float]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(activity_goals.c.goal_type, activity_goals.c.value).where(
                    activity_goals.c.user_id == user_id, activity_goals.c.period == period
                )
            ).all()
        return {r[0]: r[1] for r in rows}

    def set_goals(
        self, user_id: str, period: str, values: Mapping[str, float], *, client_id: str | None
    ) -> None:
        with write(self._engine) as tx:
            tx.conn.execute(
                delete(activity_goals).where(
                    activity_goals.c.user_id == user_id,
                    activity_goals.c.period == period,
                    activity_goals.c.goal_type.in_(list(values)),
                )
            )
            tx.conn.execute(
                insert(activity_goals),
                [
                    {"user_id": user_id, "period": period, "goal_type": k, "value": v}
                    for k, v in values.items()
                ],
            )
            tx.record("activities", "updated", user_id=user_id, client_id=client_id)


class ProfileSettingsRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def settings(self, user_id: str) -> dict[str, str]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(profile_settings.c.name, profile_settings.c.value).where(
                    profile_settings.c.user_id == user_id
                )
            ).all()
        return {r[0]: r[1] for r in rows}
