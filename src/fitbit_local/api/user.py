"""User family: profile [DOC user/get-profile]."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fitbit_local.api.context import RequestContext
from fitbit_local.api.params import parse_date
from fitbit_local.api.registry import endpoint
from fitbit_local.errors import FitbitError
from fitbit_local.store.users import PROFILE_LOCALES

PROFILE_PATH = "/user/{user_id}/profile.json"


def _round(value: float, places: int = 1) -> float:
    return round(value, places)


@endpoint("getProfile", "GET", PROFILE_PATH, scope="profile")
def get_profile(ctx: RequestContext) -> dict[str, object]:
    user, units = ctx.user, ctx.units
    zone = ZoneInfo(user.current_timezone)
    offset = datetime.fromtimestamp(ctx.now, zone).utcoffset()
    offset_ms = int(offset.total_seconds() * 1000) if offset is not None else 0
    first, _, last = user.display_name.partition(" ")
    stride_walk_cm = user.height_cm * 0.415
    profile: dict[str, object] = {
        "aboutMe": "",
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
        "clockTimeDisplayFormat": "24hour" if units.name != "en_US" else "12hour",
        "corporate": False,
        "corporateAdmin": False,
        "dateOfBirth": user.birth_date.isoformat(),
        "displayName": user.display_name,
        "displayNameSetting": "name",
        "distanceUnit": units.height_unit,
        "encodedId": user.id,
        "features": {"exerciseGoal": True},
        "firstName": first,
        "foodsLocale": user.locale,
        "fullName": user.display_name,
        "gender": user.sex,
        "glucoseUnit": units.height_unit,
        "height": _round(units.height(user.height_cm)),
        "heightUnit": units.height_unit,
        "isBugReportEnabled": False,
        "isChild": False,
        "isCoach": False,
        "languageLocale": user.locale,
        "lastName": last,
        "legalTermsAcceptRequired": False,
        "locale": user.locale,
        "memberSince": user.member_since,
        "mfaEnabled": False,
        "offsetFromUTCMillis": offset_ms,
        "sdkDeveloper": False,
        "sleepTracking": "Normal",
        "startDayOfWeek": "MONDAY" if units.name != "en_US" else "SUNDAY",
        "strideLengthRunning": _round(units.height(stride_walk_cm * 1.3)),
        "strideLengthRunningType": "auto",
        "strideLengthWalking": _round(units.height(stride_walk_cm)),
        "strideLengthWalkingType": "auto",
        "swimUnit": units.height_unit,
        "temperatureUnit": units.height_unit,
        "timezone": user.current_timezone,
        "topBadges": [],
        "waterUnit": units.height_unit,
        "waterUnitName": "fl oz" if units.name == "en_US" else "ml",
        "weight": _round(units.weight(user.weight_kg)),
        "weightUnit": units.weight_unit,
    }
    if "location" in ctx.token.scopes:  # city/state/country only with the location scope [DOC]
        profile.update({"city": "", "country": "", "state": ""})
    if user.synthetic:
        profile["fitbitLocalSynthetic"] = True  # provenance: synthetic data never passes for real data
    return {"user": profile}


def _invalid(field: str, value: str) -> FitbitError:
    return FitbitError("validation_value", field_name=field, field=field, value=value)


def _number(field: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise _invalid(field, value) from None
    if not 0 < number < 10_000:
        raise _invalid(field, value)
    return number


@endpoint("updateProfile", "POST", PROFILE_PATH, scope="profile", write=True)
def update_profile(ctx: RequestContext) -> dict[str, object]:
    """POST profile.json [SW updateProfile, mis-nested under "post" in the official file]. Height is read in the
    request's unit system, as Fitbit read write parameters [DOC §9.1]."""
    changes: dict[str, object] = {}
    form = ctx.form
    if "gender" in form:
        gender = form["gender"].upper()
        if gender not in ("MALE", "FEMALE", "NA"):
            raise _invalid("gender", form["gender"])
        changes["sex"] = gender
    if "birthday" in form:
        changes["birth_date"] = parse_date(form["birthday"], today=ctx.today).isoformat()
    if "height" in form:
        changes["height_cm"] = ctx.units.height_to_cm(_number("height", form["height"]))
    if "fullName" in form:
        changes["display_name"] = form["fullName"][:100]
    if "locale" in form:
        if form["locale"] not in PROFILE_LOCALES:
            raise _invalid("locale", form["locale"])
        changes["locale"] = form["locale"]
    timezone = None
    if "timezone" in form:
        try:
            ZoneInfo(form["timezone"])
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _invalid("timezone", form["timezone"]) from exc
        timezone = form["timezone"]
    if changes or timezone is not None:  # everything validated: one transaction changes all of it or nothing
        ctx.user = ctx.services.store.users.update_profile(ctx.user.id, changes, timezone=timezone)
    return get_profile(ctx)
