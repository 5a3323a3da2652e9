"""Draw the two pictures of generated data in docs/figures/ (needs the `figures` extra: matplotlib).

- day.png: one day of one synthetic person: the 1-second heart rate (with the day's resting HR and zone bounds)
  and the per-minute steps beneath it;
- year.png: one year of the same person: daily steps (with a 7-day mean) and the daily resting heart rate, as
  the API would serve them (derived by physiology.summaries from the stored arrays).

    PYTHONPATH=src .venv/bin/python docs/figures/make_figures.py [--seed N] [--timezone ZONE]
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from fitbit_local.physiology.day import MINUTES_PER_DAY, SLEEP_AWAKE  # noqa: E402
from fitbit_local.physiology.summaries import derive_daily_summary  # noqa: E402
from fitbit_local.physiology.zones import heart_rate_zones  # noqa: E402
from fitbit_local.sources.synthetic import Person, generate  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=116)
    parser.add_argument("--timezone", default="Europe/London")
    parser.add_argument("--year", type=int, default=2023)
    args = parser.parse_args()

    person = Person.draw(args.seed, timezone=args.timezone)
    start = dt.date(args.year, 1, 1)
    days = list(generate(person, start, 365, args.seed))
    summaries = []
    fallback = None
    for g in days:
        s = derive_daily_summary(
            g.arrays,
            age=person.age_on(g.day),
            resting_hr_fallback=fallback,
            bmr_kcal_per_day=person.bmr_kcal_per_day(g.day),
        )
        fallback = s.resting_heart_rate or fallback
        summaries.append(s)
    who = (
        f"synthetic {person.sex.lower()}, {person.age_on(start)} y, {person.height_cm:.0f} cm, "
        f"{person.weight_kg:.0f} kg, sport: {person.sport}, {args.timezone}"
    )

    # the day: a worn day with an exercise session, else the first worn day
    worn = [i for i, g in enumerate(days) if g.plan.worn and g.plan.charging is None]
    pick = next(
        (
            i
            for i in worn
            if (e := days[i].plan.exercise) and e.kind == person.sport and days[i].day.month == 6
        ),
        worn[0],
    )
    g, s = days[pick], summaries[pick]
    heart = g.arrays.heart
    sec = np.flatnonzero(heart)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 6.5), sharex=True, height_ratios=[3, 1.2])
    hours = sec / 3600.0
    top.plot(
        hours, heart[sec], ".", ms=1.2, color="tab:red", alpha=0.6, label="1-second heart rate (samples)"
    )
    asleep = g.arrays.sleep != SLEEP_AWAKE
    for m in np.flatnonzero(np.diff(np.r_[0, asleep.astype(np.int8), 0]) == 1):
        end = m + int(np.argmin(asleep[m:])) if not asleep[m:].all() else MINUTES_PER_DAY
        top.axvspan(m / 60, end / 60, color="tab:blue", alpha=0.08, lw=0)
    if s.resting_heart_rate:
        top.axhline(
            s.resting_heart_rate, color="k", lw=0.8, ls="--", label=f"resting HR {s.resting_heart_rate}"
        )
        for bound, name in zip(
            heart_rate_zones(person.age_on(g.day), s.resting_heart_rate),
            ("fat burn", "cardio", "peak"),
            strict=True,
        ):
            top.axhline(bound, color="gray", lw=0.6, ls=":")
            top.text(23.9, bound + 1, name, ha="right", fontsize=7, color="gray")
    ex = g.plan.exercise
    if ex:
        top.axvspan(
            ex.start_minute / 60, (ex.start_minute + ex.duration_min) / 60, color="tab:green", alpha=0.12
        )
        top.text(ex.start_minute / 60, top.get_ylim()[1] * 0.97, f" {ex.kind}", fontsize=8, va="top")
    top.set_ylabel("bpm")
    top.set_title(f"{g.day} ({g.day:%A}) - {who}\nshaded blue: asleep; green: exercise session", fontsize=9)
    top.legend(loc="upper left", fontsize=8, markerscale=6)
    minutes = np.arange(MINUTES_PER_DAY) / 60.0
    bottom.bar(minutes, g.arrays.steps, width=1 / 60, color="tab:gray")
    bottom.set_ylabel("steps / min")
    bottom.set_xlabel("local time (h)")
    bottom.set_xlim(0, 24)
    bottom.set_xticks(range(0, 25, 2))
    bottom.text(0.2, bottom.get_ylim()[1] * 0.85, f"{s.steps:,} steps", fontsize=8)
    fig.tight_layout()
    fig.savefig(HERE / "day.png", dpi=110)
    plt.close(fig)

    # the year
    dates = [g.day for g in days]
    steps = np.array(
        [x.steps if g.plan.worn else np.nan for g, x in zip(days, summaries, strict=True)], float
    )
    rhr = np.array([x.resting_heart_rate or np.nan for x in summaries], float)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 6.5), sharex=True)
    top.bar(dates, steps, width=1.0, color="tab:gray", alpha=0.6, label="daily steps (worn days)")
    weekly = np.convolve(np.nan_to_num(steps, nan=np.nanmean(steps)), np.ones(7) / 7, mode="same")
    top.plot(dates, weekly, color="k", lw=1.2, label="7-day mean")
    ill = [d for g, d in zip(days, dates, strict=True) if g.plan.ill]
    if ill:
        top.plot(ill, np.full(len(ill), np.nanmax(steps) * 1.03), "v", color="tab:red", ms=4, label="ill")
    top.set_ylabel("steps")
    top.legend(loc="upper left", fontsize=8)
    top.set_title(f"{args.year} - {who}", fontsize=9)
    bottom.plot(dates, rhr, ".-", color="tab:red", lw=0.7, ms=2.5, label="resting heart rate (derived)")
    bottom.plot(
        dates, [g.plan.resting_hr for g in days], color="k", lw=0.6, alpha=0.5, label="latent resting HR"
    )
    bottom.set_ylabel("bpm")
    bottom.legend(loc="upper left", fontsize=8)
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    fig.tight_layout()
    fig.savefig(HERE / "year.png", dpi=110)
    plt.close(fig)
    print(f"wrote {HERE / 'day.png'} and {HERE / 'year.png'}")


if __name__ == "__main__":
    main()
