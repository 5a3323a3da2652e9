"""User family: profile, read and update [DOC user/get-profile, user/update-profile]."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.params import parse_date
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.api.units import unit_system_for
from fitbit_local.errors import FitbitError
from fitbit_local.store.goals import ProfileSettingsRepository
from fitbit_local.store.users import PROFILE_LOCALES, check_timezone

PROFILE_PATH = "/user/{user_id}/profile.json"
_PROFILE_STRINGS = (
    "aboutMe avatar avatar150 avatar640 clockTimeDisplayFormat displayName displayNameSetting distanceUnit "
    "encodedId firstName foodsLocale fullName gender glucoseUnit heightUnit languageLocale lastName locale "
    "sleepTracking startDayOfWeek strideLengthRunningType strideLengthWalkingType swimUnit temperatureUnit "
    "timezone waterUnit waterUnitName weightUnit"
).split()
_PROFILE_BOOLEANS = (
    "ambassador autoStrideEnabled challengesBeta corporate corporateAdmin isBugReportEnabled isChild isCoach "
    "legalTermsAcceptRequired mfaEnabled sdkDeveloper"
).split()
_PROFILE_NUMBERS = ("height", "strideLengthRunning", "strideLengthWalking", "weight")


def member_since(ctx: RequestContext) -> str:
    """The earlier of the stored date and the user's first day of data: clients start their backfill at
    ``memberSince`` (the Open Humans Fitbit source: ``start_date = memberSince``), and a real account's data never
    starts before it, so generated and imported histories that reach back past the account row still show."""
    user = ctx.user
    first = ctx.services.cached(
        ("first data day", user.id), lambda: ctx.services.store.series.first_day(user.id)
    )
    if first is None or first.isoformat() >= user.member_since:
        return user.member_since
    return first.isoformat()


def profile_settings(ctx: RequestContext) -> dict[str, str]:
    """The profile fields the user set beyond the users table (aboutMe, city, stride lengths, unit settings …)."""
    user_id = ctx.user.id
    return ctx.services.cached(
        ("profile settings", user_id),
        lambda: ProfileSettingsRepository(ctx.services.store.engine).settings(user_id),
    )


def stride_lengths_cm(ctx: RequestContext) -> tuple[float, float]:
    """(walking, running) stride in cm: the user's own, else Fitbit's estimate from height (walking 41.5 % of
    height, running 1.3 times that) [reference §4.11; decisions.md]."""
    saved = profile_settings(ctx)
    walk = float(saved.get("strideLengthWalking", ctx.user.height_cm * 0.415))
    return walk, float(saved.get("strideLengthRunning", ctx.user.height_cm * 0.415 * 1.3))


def get_profile(ctx: RequestContext) -> dict[str, object]:
    """Numbers (height, weight, stride lengths) are in the Accept-Language unit system and not rounded [SW getProfile:
    "Numerical values are returned in the unit system specified in the Accept-Language header"; Fitbit.NET's
    recorded UserProfile.json: ``"strideLengthWalking": 70.60000000000001``]. The unit *settings* (distanceUnit,
    weightUnit, …, and the clock and week-start display settings) are the account's, which the header does not
    change [SW updateProfile: "Default weight unit on website (which doesn't affect API)"]: here the defaults of
    the account's locale."""
    user, units = ctx.user, ctx.units
    setting = unit_system_for(user.locale)
    saved = profile_settings(ctx)
    zone = ZoneInfo(user.current_timezone)
    offset = datetime.fromtimestamp(ctx.now, zone).utcoffset()
    offset_ms = int(offset.total_seconds() * 1000) if offset is not None else 0
    first, _, last = user.display_name.partition(" ")
    stride_walk_cm, stride_run_cm = stride_lengths_cm(ctx)
    profile: dict[str, object] = {
        "aboutMe": saved.get("aboutMe", ""),
        "age": user.age_on(ctx.today),
        "ambassador": False,
        "autoStrideEnabled": True,
        "avatar": "https://static0.fitbit.com/images/profile/defaultProfile_100.png",
        "avatar150": "https://static0.fitbit.com/images/profile/defaultProfile_150.png",
        "avatar640": "https://static0.fitbit.com/images/profile/defaultProfile_640.png",
        "averageDailySteps": ctx.services.cached(
            ("averageDailySteps", user.id, ctx.today),
            lambda: ctx.services.store.series.average_daily_steps(user.id, before=ctx.today),
        ),
        "challengesBeta": True,
        "clockTimeDisplayFormat": "24hour" if setting.name != "en_US" else "12hour",
        "corporate": False,
        "corporateAdmin": False,
        "dateOfBirth": user.birth_date.isoformat(),
        "displayName": user.display_name,
        "displayNameSetting": "name",
        "distanceUnit": setting.profile_unit,
        "encodedId": user.id,
        "features": {"exerciseGoal": True},
        "firstName": first,
        "foodsLocale": saved.get("foodsLocale", user.locale),
        "fullName": user.display_name,
        "gender": user.sex,
        "glucoseUnit": saved.get("glucoseUnit", setting.profile_unit),
        "height": units.height(user.height_cm),
        "heightUnit": saved.get("heightUnit", setting.profile_unit),
        "isBugReportEnabled": False,
        "isChild": False,
        "isCoach": False,
        "languageLocale": user.locale,
        "lastName": last,
        "legalTermsAcceptRequired": False,
        "locale": user.locale,
        "memberSince": member_since(ctx),
        "mfaEnabled": False,
        "offsetFromUTCMillis": offset_ms,
        "sdkDeveloper": False,
        "sleepTracking": "Normal",
        "startDayOfWeek": saved.get("startDayOfWeek", "MONDAY" if setting.name != "en_US" else "SUNDAY"),
        "strideLengthRunning": units.height(stride_run_cm),
        "strideLengthRunningType": "manual" if "strideLengthRunning" in saved else "auto",
        "strideLengthWalking": units.height(stride_walk_cm),
        "strideLengthWalkingType": "manual" if "strideLengthWalking" in saved else "auto",
        "swimUnit": setting.profile_unit,
        "temperatureUnit": setting.profile_unit,
        "timezone": user.current_timezone,
        "topBadges": [],
        "waterUnit": saved.get("waterUnit", setting.profile_unit),
        "waterUnitName": "fl oz" if saved.get("waterUnit", setting.profile_unit) == "en_US" else "ml",
        "weight": units.weight(user.weight_kg),
        "weightUnit": saved.get("weightUnit", setting.weight_unit),
    }
    if "location" in ctx.token.scopes:  # city/state/country only with the location scope [DOC]
        profile.update({k: saved.get(k, "") for k in ("city", "country", "state")})
    if "distanceUnit" in saved:
        profile["distanceUnit"] = saved["distanceUnit"]
    if user.synthetic:
        profile["fitbitLocalSynthetic"] = True  # provenance: synthetic data never passes for real data
    return {"user": profile}


def _invalid(field: str, value: str) -> FitbitError:
    return FitbitError("validation_value", field_name=field, field=field, value=value)


def _gender(raw: str, scope: ParseScope) -> str:
    if raw.upper() not in ("MALE", "FEMALE", "NA"):
        raise _invalid("gender", raw)
    return raw.upper()


def _birthday(raw: str, scope: ParseScope) -> date:
    born = parse_date(raw, today=scope.today)
    if (
        not BIRTHDAY_EARLIEST <= born <= scope.today
    ):  # no one was born in the future or 126 years ago [issue 8]
        raise _invalid("birthday", raw)
    return born


def _height(raw: str, scope: ParseScope) -> float:
    """A height in the request's unit system (inches for en_US) [DOC §9.1]; the value stays a number here and is
    converted and range-checked by the handler, which knows the request's units."""
    try:
        number = float(raw)
    except ValueError:
        raise _invalid("height", raw) from None
    if not math.isfinite(number) or number <= 0:
        raise _invalid("height", raw)
    return number


def _text(field: str, max_length: int) -> Callable[[str, ParseScope], str]:
    def parse(raw: str, scope: ParseScope) -> str:
        if any(ord(c) < 32 for c in raw):  # NUL and control characters: refused, on every database
            raise _invalid(field, raw.encode("unicode_escape").decode())
        return raw[:max_length]

    return parse


def _locale(raw: str, scope: ParseScope) -> str:
    if raw not in PROFILE_LOCALES:  # the locales the profile documents
        raise _invalid("locale", raw[:20])
    return raw


def _timezone(raw: str, scope: ParseScope) -> str:
    try:
        check_timezone(raw)  # the store's rule (NUL bytes never get this far: the edge refuses them)
    except ValueError as exc:
        raise _invalid("timezone", raw[:64]) from exc
    return raw


UNIT_SETTINGS = ("weightUnit", "heightUnit", "waterUnit", "glucoseUnit")
_LENGTH = {"type": "string", "pattern": r"^\d+(\.\d+)?$"}


def _code(field: str, length: int, *, lower: bool = False) -> Callable[[str, ParseScope], str]:
    def parse(raw: str, scope: ParseScope) -> str:
        text = raw.lower() if lower else raw.upper()
        if len(text) != length or not text.isascii() or not text.isalpha():
            raise _invalid(field, raw[:20])
        return text

    return parse


def _stride(field: str) -> Callable[[str, ParseScope], float]:
    def parse(raw: str, scope: ParseScope) -> float:
        try:
            number = float(raw)
        except ValueError:
            raise _invalid(field, raw[:20]) from None
        if not math.isfinite(number) or number <= 0:
            raise _invalid(field, raw[:20])
        return number

    return parse


def _unit_setting(field: str) -> Callable[[str, ParseScope], str]:
    def parse(raw: str, scope: ParseScope) -> str:
        if raw not in ("METRIC", "en_US", "en_GB", "any"):
            raise _invalid(field, raw[:20])
        return "METRIC" if raw == "any" else raw  # 'any' for METRIC [SW updateProfile]

    return parse


def _locale_setting(field: str) -> Callable[[str, ParseScope], str]:
    def parse(raw: str, scope: ParseScope) -> str:
        if raw.replace(".", "_") not in PROFILE_LOCALES:  # the Swagger writes xx.XX
            raise _invalid(field, raw[:20])
        return raw.replace(".", "_")

    return parse


def _week_start(raw: str, scope: ParseScope) -> str:
    if raw.upper() not in ("SUNDAY", "MONDAY"):
        raise _invalid("startDayOfWeek", raw[:20])
    return raw.upper()


BIRTHDAY_EARLIEST = date(1900, 1, 1)
HEIGHT_CM_RANGE = (30.0, 300.0)
STRIDE_CM_RANGE = (10.0, 300.0)  # what a person can measure; Fitbit refused values outside human ranges


def _form(name: str, parse: Callable[[str, ParseScope], object], schema: dict[str, object]) -> Param:
    return Param(name, name, "form", parse, schema, required=False)


PROFILE_FORM = (
    _form("gender", _gender, schemas.enum("MALE", "FEMALE", "NA")),
    _form("birthday", _birthday, {"type": "string", "format": "date"}),
    _form(
        "height",
        _height,
        {
            "type": "string",
            "pattern": r"^\d+(\.\d+)?$",
            "examples": ["170", "67.5"],
        },  # 30-300 cm in the units
    ),
    _form(
        "fullName",
        _text("fullName", 100),
        {"type": "string", "maxLength": 100, "pattern": "^[^\\x00-\\x1f]*$", "examples": ["Ann Example"]},
    ),
    _form(
        "fullname",  # the Swagger's spelling [SW updateProfile]; the doc page's is fullName
        _text("fullname", 100),
        {"type": "string", "maxLength": 100, "pattern": "^[^\\x00-\\x1f]*$", "examples": ["Ann Example"]},
    ),
    _form("locale", _locale, schemas.enum(*PROFILE_LOCALES)),
    _form("timezone", _timezone, {"type": "string", "examples": ["America/New_York", "Europe/Paris"]}),
    _form("aboutMe", _text("aboutMe", 500), {"type": "string", "examples": ["Walks the dog twice a day."]}),
    _form("country", _code("country", 2), {"type": "string", "pattern": "^[A-Z]{2}$", "examples": ["US"]}),
    _form("state", _code("state", 2), {"type": "string", "pattern": "^[A-Z]{2}$", "examples": ["NY"]}),
    _form("city", _text("city", 100), {"type": "string", "examples": ["New York"]}),
    _form("strideLengthWalking", _stride("strideLengthWalking"), {**_LENGTH, "examples": ["70"]}),
    _form("strideLengthRunning", _stride("strideLengthRunning"), {**_LENGTH, "examples": ["95"]}),
    *(
        _form(name, _unit_setting(name), schemas.enum("METRIC", "en_US", "en_GB", "any"))
        for name in UNIT_SETTINGS
    ),
    _form("foodsLocale", _locale_setting("foodsLocale"), schemas.enum(*PROFILE_LOCALES)),
    _form("localeLang", _code("localeLang", 2, lower=True), {"type": "string", "examples": ["en"]}),
    _form("localeCountry", _code("localeCountry", 2), {"type": "string", "examples": ["US"]}),
    _form("startDayOfWeek", _week_start, schemas.enum("SUNDAY", "MONDAY")),
)


def update_profile(ctx: RequestContext) -> dict[str, object]:
    """POST profile.json [SW updateProfile, mis-nested under "post" in the official file]. Every field is parsed
    by the row before this runs; the height is read in the request's unit system [DOC §9.1]."""
    args = ctx.args
    changes: dict[str, object] = {}
    if "gender" in args:
        changes["sex"] = args["gender"]
    if "birthday" in args:
        changes["birth_date"] = args["birthday"].isoformat()
    if "height" in args:
        height_cm = ctx.units.height_to_cm(args["height"])
        if not HEIGHT_CM_RANGE[0] <= height_cm <= HEIGHT_CM_RANGE[1]:
            raise _invalid("height", f"{args['height']:g}")
        changes["height_cm"] = height_cm
    for name in ("fullname", "fullName"):
        if name in args:
            changes["display_name"] = args[name]
    if "localeLang" in args and "localeCountry" in args:  # either locale or both of these [SW updateProfile]
        combined = f"{args['localeLang']}_{args['localeCountry']}"
        if combined not in PROFILE_LOCALES:
            raise _invalid("locale", combined)
        changes["locale"] = combined
    if "locale" in args:
        changes["locale"] = args["locale"]
    settings: dict[str, Any] = {
        k: args[k]
        for k in ("aboutMe", "country", "state", "city", "foodsLocale", "startDayOfWeek")
        if k in args
    }
    settings |= {k: args[k] for k in UNIT_SETTINGS if k in args}
    if "heightUnit" in args:  # one setting for height and distance on the website [SW updateProfile]
        settings["distanceUnit"] = "en_US" if args["heightUnit"] == "en_US" else "METRIC"
    for stride in ("strideLengthWalking", "strideLengthRunning"):
        if stride in args:  # in the request's unit system, like the height [SW updateProfile]
            cm = ctx.units.height_to_cm(args[stride])
            if not STRIDE_CM_RANGE[0] <= cm <= STRIDE_CM_RANGE[1]:
                raise _invalid(stride, f"{args[stride]:g}")
            settings[stride] = repr(cm)
    timezone = args.get("timezone")
    if changes or timezone is not None or settings:  # all validated: one transaction changes all or nothing
        ctx.user = ctx.services.store.users.update_profile(
            ctx.user.id, changes, timezone=timezone, settings={k: str(v) for k, v in settings.items()}
        )
    return get_profile(ctx)


PROFILE_SCHEMA = schemas.obj(
    {
        "user": schemas.obj(
            {
                **{k: schemas.STRING for k in _PROFILE_STRINGS},
                **{k: schemas.BOOLEAN for k in _PROFILE_BOOLEANS},
                **{k: schemas.NUMBER for k in _PROFILE_NUMBERS},
                "age": schemas.INTEGER,
                "averageDailySteps": schemas.INTEGER,
                "features": schemas.obj({"exerciseGoal": schemas.BOOLEAN}),
                "memberSince": schemas.DATE,
                "dateOfBirth": schemas.DATE,
                "offsetFromUTCMillis": schemas.INTEGER,
                "topBadges": schemas.array({"type": "object"}),
            },
            {
                "city": schemas.STRING,
                "country": schemas.STRING,
                "state": schemas.STRING,
                "fitbitLocalSynthetic": schemas.BOOLEAN,
            },
        )
    }
)

ROWS = (
    Endpoint(
        "getProfile",
        "GET",
        (PROFILE_PATH,),
        get_profile,
        scope="profile",
        response=PROFILE_SCHEMA,
        summary="Get Profile",
    ),
    Endpoint(
        "updateProfile",
        "POST",
        (PROFILE_PATH,),
        update_profile,
        scope="profile",
        response=PROFILE_SCHEMA,
        summary="Update Profile",
        form=PROFILE_FORM,
        write=True,
    ),
)
