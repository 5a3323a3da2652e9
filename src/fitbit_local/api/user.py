"""User family: profile [DOC user/get-profile]."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fitbit_local.api.context import RequestContext
from fitbit_local.api.registry import endpoint

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
        "averageDailySteps": ctx.services.store.series.average_daily_steps(user.id),
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
