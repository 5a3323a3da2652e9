"""Our own test-fixture writer: one synthetic person's export written in each of the four layouts, with the quirks of
the real files (reference takeout-and-data §1), and what the API must serve afterwards (`Expected`).

The person lives in Australia/Sydney. The days cross the start of daylight saving (2017-10-01 has 23 hours, so its
heart-rate file starts at 14:00Z and the next one at 13:00Z) and end with a day spent in Perth (UTC+8), which only
the heart-rate file boundary reveals. Quirks written: UTC intraday stamps beside local calories and daily labels;
string values; distance in centimetres; missing minutes; a ``12/31/99`` placeholder row; resting-HR
``{date: null, value: 0}`` days; activity minutes padded into the future with 1440-sedentary days; a sleep night
duplicated across two 30-day chunks; a classic nap; weight in pounds; an exercise with a distance in miles;
GoogleData CSV twins with two data sources (and a day only the CSVs have, in layouts C and D); a GoogleData weight
in grams at a UTC stamp; the nightly health files in layouts B-D (SpO2 minutes at UTC stamps with the ``50.0``
sentinel, a sentinel daily SpO2 row, HRV, breathing rate, a computed temperature with a ``NaN`` baseline night);
a parenthesised HRV file-name day; ``no data`` and header-only CSVs; machine-learning bulk files.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import orjson

ZONE = ZoneInfo("Australia/Sydney")
DAYS = [date(2017, 9, 28) + timedelta(days=i) for i in range(6)]  # 09-28 .. 10-03
PERTH_DAY = date(2017, 10, 3)  # spent at UTC+8
PERTH = 8 * 3600
CSV_ONLY_DAY = date(2017, 10, 4)  # layouts C/D: heart rate only in the GoogleData CSVs
CHUNK = date(2017, 9, 28)  # the 30-day chunk files start here
PROFILE = {
    "full_name": "Ann Example",
    "display_name": "Ann",
    "username": "ann.example",
    "date_of_birth": "1985-05-05",
    "timezone": "Australia/Sydney",
    "gender": "FEMALE",
    "height": "165.0",
    "weight": "143.3",
    "weight_unit": "POUND",
    "height_unit": "CENTIMETER",
    "member_since": "2015-05-17",
}


@dataclass
class Expected:
    heart: dict[date, dict[int, int]] = field(default_factory=dict)  # local second -> bpm
    steps: dict[date, np.ndarray] = field(default_factory=dict)  # per local minute
    distance_cm: dict[date, np.ndarray] = field(default_factory=dict)
    calories: dict[date, np.ndarray] = field(default_factory=dict)
    floors: dict[date, np.ndarray] = field(default_factory=dict)
    resting: dict[date, float] = field(default_factory=dict)
    sedentary: dict[date, int] = field(default_factory=dict)
    lightly: dict[date, int] = field(default_factory=dict)
    fairly: dict[date, int] = field(default_factory=dict)
    very: dict[date, int] = field(default_factory=dict)
    sleep_minutes: dict[date, int] = field(default_factory=dict)  # minutes with a sleep code, per local day
    sleep_log_ids: set[int] = field(default_factory=set)
    sleep_logs: dict[int, dict[str, Any]] = field(default_factory=dict)  # the archive's logs by logId
    days: list[date] = field(default_factory=list)


def utc_of(day: date, second: int) -> int | None:
    """The UTC instant of local wall-clock second `second` of `day`, or None when that wall time does not exist."""
    if day == PERTH_DAY:
        return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) + second - PERTH
    wall = datetime(day.year, day.month, day.day) + timedelta(seconds=second)
    aware = wall.replace(tzinfo=ZONE)
    back = datetime.fromtimestamp(aware.timestamp(), ZONE).replace(tzinfo=None)
    return int(aware.timestamp()) if back == wall else None


def mdy(instant: int) -> str:
    return datetime.fromtimestamp(instant, UTC).strftime("%m/%d/%y %H:%M:%S")


def mdy_local(day: date, second: int) -> str:
    return (datetime(day.year, day.month, day.day) + timedelta(seconds=second)).strftime("%m/%d/%y %H:%M:%S")


def iso_z(instant: int) -> str:
    return datetime.fromtimestamp(instant, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pretty(records: list[object]) -> bytes:
    """Fitbit's pretty-printing: one JSON array, ``" : "`` separators."""
    return orjson.dumps(records, option=orjson.OPT_INDENT_2).replace(b'": ', b'" : ')


class Person:
    """The data, generated once (seeded), written in any layout."""

    def __init__(self, seed: int = 14) -> None:
        rng = np.random.default_rng(seed)
        self.expected = Expected(days=list(DAYS))
        self.heart_json: dict[date, list[dict[str, object]]] = {}
        steps_rows: list[dict[str, object]] = []
        distance_rows: list[dict[str, object]] = []
        calories_rows: list[dict[str, object]] = []
        altitude_rows: list[dict[str, object]] = []
        self.heart_csv: dict[date, list[str]] = {}
        for day in DAYS:
            seconds, second = [], int(rng.integers(0, 5))
            while second < 86_400:
                seconds.append(second)
                second += int(rng.choice([5, 5, 5, 10, 15]))
            bpm = rng.integers(48, 150, size=len(seconds))
            records, served = [], {}
            for s, b in zip(seconds, bpm.tolist(), strict=True):
                instant = utc_of(day, s)
                if instant is None:
                    continue  # the hour skipped by daylight saving
                records.append(
                    {"dateTime": mdy(instant), "value": {"bpm": b, "confidence": int(rng.integers(0, 4))}}
                )
                served[s] = b
            self.heart_json[day] = records
            self.expected.heart[day] = served
            # the CSV twin: another stream (a phone), never to be added to the band's
            self.heart_csv[day] = [
                f"{iso_z(utc_of(day, s) or 0)},{b + 1}.0,MobileTrack" for s, b in list(served.items())[::50]
            ]
            steps = np.zeros(1440, dtype=np.int64)
            distance = np.zeros(1440, dtype=np.int64)
            calories = np.zeros(1440, dtype=np.float64)
            floors = np.zeros(1440, dtype=np.int64)
            for minute in range(1440):
                instant = utc_of(day, minute * 60)
                if instant is None:
                    continue
                walking = 7 * 60 <= minute < 9 * 60 or 17 * 60 <= minute < 18 * 60
                kcal = round(float(rng.uniform(1.0, 1.3) if not walking else rng.uniform(3, 6)), 2)
                calories[minute] = kcal
                calories_rows.append({"dateTime": mdy_local(day, minute * 60), "value": f"{kcal:g}"})
                if minute % 7 == 3 and not walking:
                    continue  # a missing minute (no row at all)
                count = int(rng.integers(60, 130)) if walking else int(rng.integers(0, 3)) * (minute % 5 == 0)
                steps[minute] = count
                distance[minute] = count * 71
                steps_rows.append({"dateTime": mdy(instant), "value": str(count)})
                distance_rows.append({"dateTime": mdy(instant), "value": str(count * 71)})
                if walking and minute % 20 == 0:
                    floors[minute] = 1
                    altitude_rows.append({"dateTime": mdy(instant), "value": "10"})
            self.expected.steps[day] = steps
            self.expected.distance_cm[day] = distance
            self.expected.calories[day] = calories
            self.expected.floors[day] = floors
        steps_rows.insert(0, {"dateTime": "12/31/99 00:00:00", "value": "5"})  # 2-digit-year placeholder
        self.minute_files = {
            "steps": steps_rows,
            "distance": distance_rows,
            "calories": calories_rows,
            "altitude": altitude_rows,
        }
        # daily series: real days, then placeholders padded into the future (1440 sedentary, 0 others)
        self.daily: dict[str, list[dict[str, object]]] = {
            k: [] for k in ("sedentary", "lightly", "moderately", "very")
        }
        for i, day in enumerate([*DAYS, *(DAYS[-1] + timedelta(days=k) for k in range(1, 25))]):
            real = day in DAYS
            values = (
                {"sedentary": 700 + i, "lightly": 200 + i, "moderately": 20 + i, "very": 10 + i}
                if real
                else {"sedentary": 1440, "lightly": 0, "moderately": 0, "very": 0}
            )
            for family, value in values.items():
                self.daily[family].append({"dateTime": mdy_local(day, 0), "value": str(value)})
            if real:
                self.expected.sedentary[day] = values["sedentary"]
                self.expected.lightly[day] = values["lightly"]
                self.expected.fairly[day] = values["moderately"]
                self.expected.very[day] = values["very"]
        self.resting: list[dict[str, object]] = []
        for i, day in enumerate(DAYS):
            if day == date(2017, 9, 30):
                self.resting.append(
                    {"dateTime": mdy_local(day, 0), "value": {"date": None, "value": 0.0, "error": 0.0}}
                )
                continue
            value = 58.3 + i * 0.61
            self.resting.append(
                {
                    "dateTime": mdy_local(day, 0),
                    "value": {"date": day.strftime("%m/%d/%y"), "value": value, "error": 6.7},
                }
            )
            self.expected.resting[day] = value
        self._sleep()

    def _sleep(self) -> None:
        def stage_log(log_id: int, start: datetime, hours: float, main: bool) -> dict[str, object]:
            end = start + timedelta(hours=hours)
            data, t, cycle = [], start, ["light", "deep", "light", "rem"]
            i = 0
            while t < end:
                seconds = min(1800, int((end - t).total_seconds()))
                data.append(
                    {
                        "dateTime": t.strftime("%Y-%m-%dT%H:%M:%S.000"),
                        "level": cycle[i % 4],
                        "seconds": seconds,
                    }
                )
                t += timedelta(seconds=seconds)
                i += 1
            short = [
                {
                    "dateTime": (start + timedelta(minutes=95)).strftime("%Y-%m-%dT%H:%M:%S.000"),
                    "level": "wake",
                    "seconds": 60,
                }
            ]
            minutes = int(hours * 60)
            return {
                "logId": log_id,
                "dateOfSleep": end.date().isoformat(),
                "startTime": start.strftime("%Y-%m-%dT%H:%M:%S.000"),
                "endTime": end.strftime("%Y-%m-%dT%H:%M:%S.000"),
                "duration": minutes * 60_000,
                "minutesToFallAsleep": 0,
                "minutesAsleep": minutes - 1,
                "minutesAwake": 1,
                "minutesAfterWakeup": 0,
                "timeInBed": minutes,
                "efficiency": 97,
                "type": "stages",
                "infoCode": 0,
                "logType": "auto_detected",
                "levels": {"summary": {}, "data": data, "shortData": short},
                "mainSleep": main,
            }

        night = stage_log(30_001, datetime(2017, 9, 29, 23, 0), 8, True)
        boundary = stage_log(30_002, datetime(2017, 10, 1, 22, 30), 8, True)
        nap = {
            "logId": 30_003,
            "dateOfSleep": "2017-09-30",
            "startTime": "2017-09-30T14:00:00.000",
            "endTime": "2017-09-30T14:45:00.000",
            "duration": 45 * 60_000,
            "minutesToFallAsleep": 0,
            "minutesAsleep": 40,
            "minutesAwake": 5,
            "minutesAfterWakeup": 0,
            "timeInBed": 45,
            "efficiency": 89,
            "type": "classic",
            "infoCode": 0,
            "levels": {
                "summary": {},
                "data": [
                    {"dateTime": "2017-09-30T14:00:00.000", "level": "awake", "seconds": 330},  # 30-s edges
                    {"dateTime": "2017-09-30T14:05:30.000", "level": "asleep", "seconds": 2370},
                ],
            },
            "mainSleep": False,
        }
        # two 30-day chunks, newest first inside each; the boundary night is in both
        self.sleep_files = {date(2017, 9, 2): [boundary, nap, night], date(2017, 10, 2): [boundary]}
        self.expected.sleep_log_ids = {30_001, 30_002, 30_003}
        self.expected.sleep_logs = {int(log["logId"]): log for log in (night, boundary, nap)}  # type: ignore[call-overload]
        minutes: dict[date, int] = {}
        for start, length in (
            (datetime(2017, 9, 29, 23, 0), 480),
            (datetime(2017, 10, 1, 22, 30), 480),
            (datetime(2017, 9, 30, 14, 0), 45),
        ):
            for m in range(length):
                moment = start + timedelta(minutes=m)
                minutes[moment.date()] = minutes.get(moment.date(), 0) + 1
        self.expected.sleep_minutes = minutes


# --- the layouts ------------------------------------------------------------------------------------------------


def _put(path: Path, content: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def _profile_csv() -> str:
    header = list(PROFILE)
    return ",".join(header) + "\n" + ",".join(PROFILE[h] for h in header) + "\n"


def write_layout(root: Path, layout: str, person: Person | None = None) -> Expected:
    """Write the person's export under `root` in layout A, B, C or D; return what must be served."""
    person = person or Person()
    json_dir = {
        "A": root / "user-site-export",
        "B": root / "MyFitbitData" / "Ann" / "Physical Activity",
        "C": root / "Takeout" / "Fitbit" / "Global Export Data",
        "D": root / "Takeout" / "Google Health" / "Global Export Data",
    }[layout]

    def legacy(family: str, name: str, content: bytes) -> None:
        folder = json_dir / family if layout == "A" else json_dir
        if layout == "B" and family == "sleep":
            folder = json_dir.parent / "Sleep"
        if layout == "B" and family in ("weight", "height"):
            folder = json_dir.parent / "Personal & Account"
        _put(folder / name, content)

    for day, records in person.heart_json.items():
        legacy("heart_rate", f"heart_rate-{day}.json", pretty(records))  # type: ignore[arg-type]
    for family, rows in person.minute_files.items():
        legacy(family, f"{family}-{CHUNK}.json", pretty(rows))  # type: ignore[arg-type]
    for family, rows in person.daily.items():
        name = f"{family}_active_minutes" if family != "sedentary" else "sedentary_minutes"
        legacy(name, f"{name}-{CHUNK}.json", pretty(rows))  # type: ignore[arg-type]
    legacy("resting_heart_rate", f"resting_heart_rate-{CHUNK}.json", pretty(person.resting))  # type: ignore[arg-type]
    for first, logs in person.sleep_files.items():
        legacy("sleep", f"sleep-{first}.json", pretty(logs))  # type: ignore[arg-type]
    legacy(
        "weight",
        f"weight-{CHUNK}.json",
        pretty(
            [
                {
                    "logId": 1506638109000,
                    "weight": 143.3,
                    "bmi": 23.87,
                    "fat": 24.5,
                    "date": "09/28/17",
                    "time": "22:35:09",
                    "source": "Aria",
                }
            ]
        ),
    )
    legacy("height", "height-2015-05-17.json", pretty([{"dateTime": "05/18/15 00:00:00", "value": "1650"}]))
    exercise = [
        {
            "logId": 9_001,
            "activityName": "Walk",
            "activityTypeId": 90013,
            "calories": 241,
            "duration": 3_600_000,
            "activeDuration": 3_600_000,
            "steps": 6000,
            "logType": "auto_detected",
            "startTime": mdy(utc_of(DAYS[1], 7 * 3600) or 0),
            "originalStartTime": mdy(utc_of(DAYS[1], 7 * 3600) or 0),
            "distance": 2.5,
            "distanceUnit": "Mile",
            "averageHeartRate": 108,
            "elevationGain": 6.096,
            "lastModified": "09/29/17 09:00:00",
        }
    ]
    if layout == "A":
        _put(json_dir / "exercise-0.json", pretty(exercise))  # type: ignore[arg-type]
        _put(json_dir / "badge.json", pretty([]))
    else:
        legacy("exercise", "exercise-0.json", pretty(exercise))  # type: ignore[arg-type]
    if layout == "B":
        _put(root / "MyFitbitData" / "Ann" / "Personal & Account" / "Profile.csv", _profile_csv())
        _put(
            root / "MyFitbitData" / "Ann" / "Sleep" / "sleep_score.csv",
            "sleep_log_entry_id,timestamp,overall_score\n30001,2017-09-29T20:00:00Z,80\n",
        )
    if layout != "A":  # the nightly health files (2020 on) and the paired devices
        _health_files(root / "MyFitbitData" / "Ann" if layout == "B" else json_dir.parent)
    if layout in ("C", "D"):
        base = json_dir.parent
        _put(base / "Your Profile" / "Profile.csv", _profile_csv())
        google = base / "Physical Activity_GoogleData"
        heart_dir = google / "Heart Rate" if layout == "D" else google
        for day, rows in person.heart_csv.items():
            _put(
                heart_dir / f"heart_rate_{day}.csv",
                "timestamp,beats per minute,data source\n" + "\n".join(rows) + "\n",
            )
        # a day only the CSVs have (back in Sydney, after the Perth day has ended in UTC): two sources, a band and a
        # Health-Connect round trip with more rows
        band = [
            f"{iso_z(utc_of(CSV_ONLY_DAY, 6 * 3600 + 10 * k) or 0)},{60 + k % 20}.0,Charge 4"
            for k in range(30)
        ]
        echo = [
            f"{iso_z(utc_of(CSV_ONLY_DAY, 6 * 3600 + 5 * k) or 0)},99.0,Phone Health Connect"
            for k in range(90)
        ]
        _put(
            heart_dir / f"heart_rate_{CSV_ONLY_DAY}.csv",
            "timestamp,beats per minute,data source\n" + "\n".join(band + echo) + "\n",
        )
        calories_dir = google / "Calories" if layout == "D" else google
        _put(
            calories_dir / f"calories_{CSV_ONLY_DAY}.csv",
            "timestamp,calories,data source\n"
            + "".join(
                f"{iso_z(utc_of(CSV_ONLY_DAY, 6 * 3600 + 60 * k) or 0)},2.5,Charge 4\n" for k in range(10)
            ),
        )
        steps_dir = google / "Steps" if layout == "D" else google
        _put(
            steps_dir / f"steps_{CHUNK}.csv",
            "timestamp,steps,data source\n"
            + "".join(f"{iso_z(utc_of(day, 8 * 3600) or 0)},999,MobileTrack\n" for day in DAYS),
        )
        _put(base / "Biometrics" / "Glucose 201709.csv", "no data")
        _put(base / "Stress Score" / "Stress Score.csv", "DATE,UPDATED_AT,STRESS_SCORE\n")
        _put(base / "Global Export Data" / "README.txt", "what these files are")
        _put(  # grams, a UTC stamp: 2017-10-01 08:00 in Sydney (the first day of daylight saving)
            google / "Weight" / "weight.csv" if layout == "D" else google / "weight.csv",
            "timestamp,weight grams,data source\n2017-09-30T21:00:00Z,65400,Aria\n",
        )
        if layout == "D":
            health = base / "Health Fitness Data_GoogleData"
            _put(health / "UserActivityProbabilities_2017-09-01.csv", "x\n" * 1000)
            _put(health / "UserSensorCompressionToken_2017-09-01.csv", "y\n" * 1000)
            _put(health / "UserSleeps_2017-09-01.csv", "sleep_id,sleep_type\n111,STAGES\n")
            _put(
                google / "Daily Respiratory Rate" / "daily_respiratory_rate.csv",
                "timestamp,breaths per minute,data source\n2017-09-30T00:00:00Z,14.5,Charge 2\n"
                "2017-09-30T00:00:00Z,16.0,Fit Health Connect\n2017-10-01,14.9,Charge 2\n",
            )
            _put(
                google / "Body Fat" / "body_fat_2017-09-01.csv",
                "timestamp,body fat percentage,data source\n2017-09-28T12:00:00Z,24.5,Aria\n",
            )
        person.expected.days = [*DAYS, CSV_ONLY_DAY]
        person.expected.heart[CSV_ONLY_DAY] = {6 * 3600 + 10 * k: 60 + k % 20 for k in range(30)}
    return person.expected


# what the nightly health files say (layouts B-D), as the API must serve it
HRV = {date(2017, 9, 30): 29.232}
BREATHING = {date(2017, 9, 30): 14.8}
SPO2 = {date(2017, 9, 30): {"avg": 94.9, "min": 88.0, "max": 97.1}}  # the 10-01 row is the 50.0 sentinel
SPO2_MINUTES = {date(2017, 9, 30): [("2017-09-30T00:00:00", 95.4), ("2017-09-30T00:02:00", 88.0)]}
SKIN = {date(2017, 9, 30): 0.3}  # 120.0 / 400 samples; the night before has no baseline yet (NaN)


def _health_files(base: Path) -> None:
    _put(
        base / "Heart Rate Variability" / "Daily Heart Rate Variability Summary - 2017-09-(29).csv",
        "timestamp,rmssd,nremhr,entropy\n2017-09-30T00:00:00,29.232,49.623,2.472\n",
    )
    _put(
        base / "Heart Rate Variability" / "Daily Respiratory Rate Summary - 2017-09-30.csv",
        "timestamp,daily_respiratory_rate\n2017-09-30T07:00:00,14.8\n",
    )
    _put(  # UTC stamps: midnight in Sydney; 50.0 is the invalid-reading sentinel
        base / "Oxygen Saturation (SpO2)" / "Minute SpO2 - 2017-09-30.csv",
        "timestamp,value\n2017-09-29T14:00:00Z,95.4\n2017-09-29T14:01:00Z,50.0\n2017-09-29T14:02:00Z,88.0\n",
    )
    _put(
        base / "Oxygen Saturation (SpO2)" / "Daily SpO2 - 2017-09-30.csv",
        "timestamp,average_value,lower_bound,upper_bound\n2017-09-30T00:00:00,94.9,88.0,97.1\n"
        "2017-10-01T00:00:00,50.0,50.0,50.0\n",
    )
    _put(
        base / "Temperature" / "Computed Temperature - 2017-09-30.csv",
        "type,sleep_start,sleep_end,temperature_samples,nightly_temperature,baseline_relative_sample_sum,"
        "baseline_relative_sample_sum_of_squares,baseline_relative_nightly_standard_deviation,"
        "baseline_relative_sample_standard_deviation\n"
        "IDT,2017-09-28T23:00:00,2017-09-29T06:30:00,380,34.2,NaN,NaN,NaN,NaN\n"
        "IDT,2017-09-29T23:00:00,2017-09-30T07:00:00,400,34.5,120.0,60.0,0.2,0.3\n",
    )
    _put(
        base / "Paired Devices" / "Trackers.csv",
        "tracker_id,date_added,last_sync_date_time,batt_level,tracker_name,device_type\n"
        "123,2016-01-01,2017-10-04T08:00:00Z,HIGH,Charge 2,TRACKER\n",
    )


def zip_tree(root: Path, target: Path, parts: int = 1) -> list[Path]:
    """Zip the files under `root` into `parts` zips (a Takeout download split like takeout-…-001.zip, -002.zip)."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    zips = [target.with_name(f"{target.stem}-{i + 1:03d}.zip") for i in range(parts)]
    handles = [zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) for z in zips]
    for i, path in enumerate(files):
        handles[i % parts].write(path, path.relative_to(root).as_posix())
    for handle in handles:
        handle.close()
    return zips


# --- long archives (resumability tests, bench) ---------------------------------------------------------------------


def write_long(target: Path, start: date, days: int, *, step: int = 10, seed: int = 5) -> int:
    """A layout-C zip of `days` days from `start` (UTC+10 without daylight saving: Australia/Brisbane), written
        member by member: a heart-rate file per day (a sample every `step` s), 30-day steps/calories/activity chunks, a
        yearly resting-HR file, one sleep log per night, and per chunk a weight file, an exercise page and the nightly HRV
    and SpO2 files. Returns the number of heart-rate samples written."""
    rng = np.random.default_rng(seed)
    base = "Takeout/Fitbit/Global Export Data/"
    offset = 10 * 3600
    samples = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        profile = {**PROFILE, "timezone": "Australia/Brisbane", "member_since": start.isoformat()}
        archive.writestr(
            "Takeout/Fitbit/Your Profile/Profile.csv",
            ",".join(profile) + "\n" + ",".join(profile.values()) + "\n",
        )
        for i in range(days):
            day = start + timedelta(days=i)
            midnight = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) - offset
            seconds = np.arange(int(rng.integers(0, step)), 86_400, step)
            bpm = rng.integers(50, 140, size=seconds.size).tolist()
            stamps = [mdy(midnight + int(s)) for s in seconds]
            records = [
                {"dateTime": t, "value": {"bpm": b, "confidence": 2}}
                for t, b in zip(stamps, bpm, strict=True)
            ]
            archive.writestr(f"{base}heart_rate-{day}.json", pretty(records))  # type: ignore[arg-type]
            samples += len(records)
        for chunk_start in range(0, days, 30):
            first = start + timedelta(days=chunk_start)
            length = min(30, days - chunk_start)
            minutes = np.arange(length * 1440)
            midnight = int(datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp()) - offset
            steps = rng.integers(0, 60, size=minutes.size).tolist()
            archive.writestr(
                f"{base}steps-{first}.json",
                pretty(
                    [
                        {"dateTime": mdy(midnight + 60 * int(m)), "value": str(v)}
                        for m, v in zip(minutes, steps, strict=True)
                    ]
                ),  # type: ignore[arg-type]
            )
            archive.writestr(
                f"{base}calories-{first}.json",
                pretty([{"dateTime": mdy_local(first, 60 * int(m)), "value": "1.1"} for m in minutes]),  # type: ignore[arg-type]
            )
            archive.writestr(
                f"{base}sedentary_minutes-{first}.json",
                pretty(
                    [
                        {"dateTime": mdy_local(first + timedelta(days=k), 0), "value": str(600 + k)}
                        for k in range(length)
                    ]
                ),  # type: ignore[arg-type]
            )
            nights = []
            for k in range(length):
                night = datetime.combine(first + timedelta(days=k), datetime.min.time()) - timedelta(hours=1)
                nights.append(
                    {
                        "logId": 10_000_000 + chunk_start + k,
                        "dateOfSleep": (first + timedelta(days=k)).isoformat(),
                        "startTime": night.strftime("%Y-%m-%dT%H:%M:%S.000"),
                        "endTime": (night + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S.000"),
                        "duration": 7 * 3_600_000,
                        "type": "classic",
                        "mainSleep": True,
                        "levels": {"data": []},
                    }
                )
            archive.writestr(f"{base}sleep-{first}.json", pretty(nights))  # type: ignore[arg-type]
            # a weigh-in (pounds) and a morning walk (UTC start) every third day; the nightly HRV and SpO2
            weigh = [first + timedelta(days=k) for k in range(0, length, 3)]
            archive.writestr(
                f"{base}weight-{first}.json",
                pretty(
                    [
                        {
                            "logId": int(datetime.combine(d, datetime.min.time(), UTC).timestamp()) * 1000
                            + 7 * 3_600_000,
                            "weight": 140.0 + k % 5,
                            "bmi": 23.3,
                            "date": d.strftime("%m/%d/%y"),
                            "time": "07:00:00",
                            "source": "Aria",
                        }
                        for k, d in enumerate(weigh)
                    ]
                ),  # type: ignore[arg-type]
            )
            midnight = int(datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp()) - offset
            archive.writestr(
                f"{base}exercise-{chunk_start // 30}.json",
                pretty(
                    [
                        {
                            "logId": 20_000_000 + chunk_start + k,
                            "activityName": "Walk",
                            "activityTypeId": 90013,
                            "calories": 200 + k,
                            "duration": 1_800_000,
                            "steps": 3000,
                            "logType": "auto_detected",
                            "startTime": mdy(midnight + k * 86_400 + 8 * 3600),
                            "distance": 2.1,
                            "distanceUnit": "Kilometer",
                        }
                        for k in range(0, length, 3)
                    ]
                ),  # type: ignore[arg-type]
            )
            health = "Takeout/Fitbit/"
            archive.writestr(
                f"{health}Heart Rate Variability/Daily Heart Rate Variability Summary - {first}.csv",
                "timestamp,rmssd,nremhr,entropy\n"
                + "".join(
                    f"{first + timedelta(days=k)}T00:00:00,{30 + k % 7},50.1,2.4\n" for k in range(length)
                ),
            )
            archive.writestr(
                f"{health}Oxygen Saturation (SpO2)/Daily SpO2 - {first}.csv",
                "timestamp,average_value,lower_bound,upper_bound\n"
                + "".join(
                    f"{first + timedelta(days=k)}T00:00:00,95.{k % 9},90.0,99.0\n" for k in range(length)
                ),
            )
        for year_start in range(0, days, 365):
            first = start + timedelta(days=year_start)
            archive.writestr(
                f"{base}resting_heart_rate-{first}.json",
                pretty(
                    [
                        {
                            "dateTime": mdy_local(first + timedelta(days=k), 0),
                            "value": {
                                "date": (first + timedelta(days=k)).strftime("%m/%d/%y"),
                                "value": 60.2,
                                "error": 5.0,
                            },
                        }
                        for k in range(min(365, days - year_start))
                    ]
                ),  # type: ignore[arg-type]
            )
    return samples
