"""Food and water logs, custom and favorite foods, food and water goals.

Every write goes through the change seam (`store.changes.write`) and records a ``foods`` change on the log's local
date (Fitbit's subscription collection for food and water logs [DOC subscriptions])."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.schema import (
    custom_foods,
    favorite_foods,
    food_logs,
    meals,
    nutrition_goals,
    water_logs,
)

NUTRIENTS = ("calories", "carbs", "fat", "fiber", "protein", "sodium")
CUSTOM_FOOD_ID_START = 1_000_000  # custom foods' ids continue above every shipped food's


@dataclass(frozen=True)
class FoodLog:
    log_id: int
    day: date
    logged_at: float
    food_id: int | None  # None: a quick log by name and calories
    name: str
    brand: str
    meal_type_id: int
    unit_id: int
    amount: float
    nutrition: dict[str, float]


@dataclass(frozen=True)
class WaterLog:
    log_id: int
    day: date
    amount_ml: float


@dataclass(frozen=True)
class NutritionGoals:
    calories: int | None = None
    intensity: str | None = None
    personalized: bool | None = None
    water_ml: float | None = None
    water_start_date: str | None = None


def _food_log(r: Any) -> FoodLog:
    return FoodLog(
        int(r.id),
        date.fromisoformat(r.day),
        float(r.logged_at),
        None if r.food_id is None else int(r.food_id),
        r.name,
        r.brand,
        int(r.meal_type_id),
        int(r.unit_id),
        float(r.amount),
        orjson.loads(r.nutrition),
    )


def _food_log_values(user_id: str, log: FoodLog) -> dict[str, object]:
    return {
        "user_id": user_id,
        "day": log.day.isoformat(),
        "logged_at": log.logged_at,
        "food_id": log.food_id,
        "name": log.name,
        "brand": log.brand,
        "meal_type_id": log.meal_type_id,
        "unit_id": log.unit_id,
        "amount": log.amount,
        "nutrition": orjson.dumps(log.nutrition).decode(),
    }


def _upsert(conn: Connection, table: Any, keys: list[str], values: dict[str, object]) -> None:
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(table).values(**values)
    columns = [c for c in values if c not in keys]
    if columns:
        conn.execute(
            stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in columns})
        )
    else:
        conn.execute(stmt.on_conflict_do_nothing(index_elements=keys))


class NutritionRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- food logs ------------------------------------------------------------------------------------------
    def food_logs(self, user_id: str, start: date, end: date) -> list[FoodLog]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(food_logs)
                .where(
                    food_logs.c.user_id == user_id,
                    food_logs.c.day >= start.isoformat(),
                    food_logs.c.day <= end.isoformat(),
                )
                .order_by(food_logs.c.day, food_logs.c.meal_type_id, food_logs.c.id)
            ).all()
        return [_food_log(r) for r in rows]

    def food_log(self, user_id: str, log_id: int) -> FoodLog | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(food_logs).where(food_logs.c.user_id == user_id, food_logs.c.id == log_id)
            ).first()
        return _food_log(row) if row is not None else None

    def logged_foods(self, user_id: str) -> list[FoodLog]:
        """The user's logs of foods with an id, the latest logged first (recent and frequent foods)."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(food_logs)
                .where(food_logs.c.user_id == user_id, food_logs.c.food_id.is_not(None))
                .order_by(food_logs.c.logged_at.desc(), food_logs.c.id.desc())
                .limit(2000)
            ).all()
        return [_food_log(r) for r in rows]

    def add_food_logs(
        self,
        user_id: str,
        logs: Iterable[FoodLog],
        *,
        client_id: str | None = None,
        favorite: int | None = None,
    ) -> list[int]:
        """Insert logs (their ``log_id`` is ignored) and mark `favorite` a favorite food, in one transaction;
        returns the new ids in order."""
        ids: list[int] = []
        with write(self._engine) as tx:
            if favorite is not None:
                _upsert(
                    tx.conn, favorite_foods, ["user_id", "food_id"], {"user_id": user_id, "food_id": favorite}
                )
            for log in logs:
                result = tx.conn.execute(insert(food_logs).values(**_food_log_values(user_id, log)))
                ids.append(int(result.inserted_primary_key[0]))  # type: ignore[index]
                tx.record("foods", "created", user_id=user_id, day=log.day, client_id=client_id)
        return ids

    def replace_food_log(self, user_id: str, log: FoodLog, *, client_id: str | None = None) -> bool:
        with write(self._engine) as tx:
            result = tx.conn.execute(
                update(food_logs)
                .where(food_logs.c.user_id == user_id, food_logs.c.id == log.log_id)
                .values(**_food_log_values(user_id, log))
            )
            if result.rowcount == 0:
                return False
            tx.record("foods", "updated", user_id=user_id, day=log.day, client_id=client_id)
        return True

    def delete_food_log(self, user_id: str, log_id: int, *, client_id: str | None = None) -> bool:
        return self._delete(food_logs, user_id, log_id, client_id)

    def _delete(self, table: Any, user_id: str, log_id: int, client_id: str | None) -> bool:
        with write(self._engine) as tx:
            key = (table.c.user_id == user_id) & (table.c.id == log_id)
            day = tx.conn.execute(select(table.c.day).where(key)).scalar()
            if day is None:
                return False
            tx.conn.execute(delete(table).where(key))
            tx.record("foods", "deleted", user_id=user_id, day=date.fromisoformat(day), client_id=client_id)
        return True

    def calories_by_day(self, user_id: str, start: date, end: date) -> dict[str, float]:
        return {
            log_day: sum(log.nutrition.get("calories", 0.0) for log in logs)
            for log_day, logs in _by_day(self.food_logs(user_id, start, end)).items()
        }

    # --- water ------------------------------------------------------------------------------------------------
    def water_logs(self, user_id: str, start: date, end: date) -> list[WaterLog]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(water_logs)
                .where(
                    water_logs.c.user_id == user_id,
                    water_logs.c.day >= start.isoformat(),
                    water_logs.c.day <= end.isoformat(),
                )
                .order_by(water_logs.c.day, water_logs.c.id)
            ).all()
        return [WaterLog(int(r.id), date.fromisoformat(r.day), float(r.amount_ml)) for r in rows]

    def water_by_day(self, user_id: str, start: date, end: date) -> dict[str, float]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(water_logs.c.day, func.sum(water_logs.c.amount_ml))
                .where(
                    water_logs.c.user_id == user_id,
                    water_logs.c.day >= start.isoformat(),
                    water_logs.c.day <= end.isoformat(),
                )
                .group_by(water_logs.c.day)
            ).all()
        return {day: float(total) for day, total in rows}

    def add_water_logs(
        self, user_id: str, logs: Iterable[tuple[date, float]], *, client_id: str | None = None
    ) -> list[int]:
        ids: list[int] = []
        with write(self._engine) as tx:
            for day, amount_ml in logs:
                result = tx.conn.execute(
                    insert(water_logs).values(user_id=user_id, day=day.isoformat(), amount_ml=amount_ml)
                )
                ids.append(int(result.inserted_primary_key[0]))  # type: ignore[index]
                tx.record("foods", "created", user_id=user_id, day=day, client_id=client_id)
        return ids

    def update_water_log(
        self, user_id: str, log_id: int, amount_ml: float, *, client_id: str | None = None
    ) -> WaterLog | None:
        with write(self._engine) as tx:
            key = (water_logs.c.user_id == user_id) & (water_logs.c.id == log_id)
            day = tx.conn.execute(select(water_logs.c.day).where(key)).scalar()
            if day is None:
                return None
            tx.conn.execute(update(water_logs).where(key).values(amount_ml=amount_ml))
            tx.record("foods", "updated", user_id=user_id, day=date.fromisoformat(day), client_id=client_id)
        return WaterLog(log_id, date.fromisoformat(day), amount_ml)

    def delete_water_log(self, user_id: str, log_id: int, *, client_id: str | None = None) -> bool:
        return self._delete(water_logs, user_id, log_id, client_id)

    # --- synthetic history ----------------------------------------------------------------------------------
    # --- custom and favorite foods -------------------------------------------------------------------------
    def custom_food(self, food_id: int) -> tuple[str, dict[str, Any]] | None:
        """(owner, food data) of a custom food."""
        with self._engine.connect() as conn:
            row = conn.execute(select(custom_foods).where(custom_foods.c.food_id == food_id)).first()
        return (row.user_id, orjson.loads(row.data)) if row is not None else None

    def add_custom_food(
        self, user_id: str, data: dict[str, Any], *, day: date, client_id: str | None = None
    ) -> int:
        with write(self._engine) as tx:
            highest = tx.conn.execute(select(func.max(custom_foods.c.food_id))).scalar()
            food_id = max(int(highest or 0) + 1, CUSTOM_FOOD_ID_START)
            data = {**data, "foodId": food_id}
            tx.conn.execute(
                insert(custom_foods).values(
                    food_id=food_id, user_id=user_id, data=orjson.dumps(data).decode()
                )
            )
            tx.record("foods", "created", user_id=user_id, day=day, client_id=client_id)
        return food_id

    def delete_custom_food(
        self, user_id: str, food_id: int, *, day: date, client_id: str | None = None
    ) -> bool:
        with write(self._engine) as tx:
            result = tx.conn.execute(
                delete(custom_foods).where(
                    custom_foods.c.user_id == user_id, custom_foods.c.food_id == food_id
                )
            )
            if result.rowcount == 0:
                return False
            tx.conn.execute(
                delete(favorite_foods).where(
                    favorite_foods.c.user_id == user_id, favorite_foods.c.food_id == food_id
                )
            )
            tx.record("foods", "deleted", user_id=user_id, day=day, client_id=client_id)
        return True

    def favorites(self, user_id: str) -> list[int]:
        with self._engine.connect() as conn:
            return [
                int(food_id)
                for food_id in conn.execute(
                    select(favorite_foods.c.food_id)
                    .where(favorite_foods.c.user_id == user_id)
                    .order_by(favorite_foods.c.food_id)
                ).scalars()
            ]

    def set_favorite(
        self, user_id: str, food_id: int, favorite: bool, *, day: date, client_id: str | None = None
    ) -> None:
        with write(self._engine) as tx:
            if favorite:
                _upsert(
                    tx.conn, favorite_foods, ["user_id", "food_id"], {"user_id": user_id, "food_id": food_id}
                )
            else:
                tx.conn.execute(
                    delete(favorite_foods).where(
                        favorite_foods.c.user_id == user_id, favorite_foods.c.food_id == food_id
                    )
                )
            tx.record("foods", "updated", user_id=user_id, day=day, client_id=client_id)

    # --- goals ----------------------------------------------------------------------------------------------
    def goals(self, user_id: str) -> NutritionGoals:
        with self._engine.connect() as conn:
            row = conn.execute(select(nutrition_goals).where(nutrition_goals.c.user_id == user_id)).first()
        if row is None:
            return NutritionGoals()
        return NutritionGoals(
            row.calories, row.intensity, row.personalized, row.water_ml, row.water_start_date
        )

    def set_goals(
        self, user_id: str, changes: dict[str, object], *, day: date, client_id: str | None
    ) -> None:
        with write(self._engine) as tx:
            _upsert(tx.conn, nutrition_goals, ["user_id"], {"user_id": user_id, **changes})
            tx.record("foods", "updated", user_id=user_id, day=day, client_id=client_id)

    # --- meals ------------------------------------------------------------------------------------------------
    def meals(self, user_id: str, meal_id: int | None = None) -> list[Meal]:
        query = select(meals).where(meals.c.user_id == user_id).order_by(meals.c.id)
        if meal_id is not None:
            query = query.where(meals.c.id == meal_id)
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Meal(int(r.id), r.name, r.description, orjson.loads(r.foods)) for r in rows]

    def save_meal(self, user_id: str, meal: Meal, *, day: date, client_id: str | None = None) -> int | None:
        """Insert `meal` (id 0) or replace the user's meal of its id; None when the user has no such meal."""
        values = {
            "name": meal.name,
            "description": meal.description,
            "foods": orjson.dumps(meal.foods).decode(),
        }
        with write(self._engine) as tx:
            if meal.meal_id == 0:
                result = tx.conn.execute(insert(meals).values(user_id=user_id, **values))
                meal_id = int(result.inserted_primary_key[0])  # type: ignore[index]
                kind = "created"
            else:
                meal_id = meal.meal_id
                key = (meals.c.user_id == user_id) & (meals.c.id == meal_id)
                if tx.conn.execute(update(meals).where(key).values(**values)).rowcount == 0:
                    return None
                kind = "updated"
            tx.record("foods", kind, user_id=user_id, day=day, client_id=client_id)
        return meal_id

    def delete_meal(self, user_id: str, meal_id: int, *, day: date, client_id: str | None = None) -> bool:
        with write(self._engine) as tx:
            key = (meals.c.user_id == user_id) & (meals.c.id == meal_id)
            if tx.conn.execute(delete(meals).where(key)).rowcount == 0:
                return False
            tx.record("foods", "deleted", user_id=user_id, day=day, client_id=client_id)
        return True


@dataclass(frozen=True)
class Meal:
    meal_id: int  # 0: not stored yet
    name: str
    description: str
    foods: list[dict[str, Any]]  # [{"foodId", "amount", "unitId"}]


def _by_day(logs: list[FoodLog]) -> dict[str, list[FoodLog]]:
    out: dict[str, list[FoodLog]] = {}
    for log in logs:
        out.setdefault(log.day.isoformat(), []).append(log)
    return out


def replace_food_days(
    tx: WriteTransaction,
    user_id: str,
    days: list[date],
    foods: list[FoodLog],
    water: list[tuple[date, float]],
) -> None:
    """Replace what `days` hold with these food and water logs, inside a write already open (the synthetic loader's
    batch transaction: a resumed generation stores them again)."""
    keys = [d.isoformat() for d in days]
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for table in (food_logs, water_logs):
            tx.conn.execute(delete(table).where(table.c.user_id == user_id, table.c.day.in_(chunk)))
    if foods:
        tx.conn.execute(insert(food_logs), [_food_log_values(user_id, log) for log in foods])
    if water:
        tx.conn.execute(
            insert(water_logs),
            [{"user_id": user_id, "day": d.isoformat(), "amount_ml": ml} for d, ml in water],
        )
    tx.record(
        "foods",
        "updated",
        user_id=user_id,
        days=sorted({*(f.day for f in foods), *(d for d, _ in water)}),
    )
