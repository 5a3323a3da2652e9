"""Unit systems chosen by ``Accept-Language`` [DOC basics; reference §9.1]: en_US → US, en_GB → UK, anything else
(including no header, ``metric`` from Home Assistant and ``en_UK`` from python-fitbit) → METRIC."""

from __future__ import annotations

from dataclasses import dataclass

KM_PER_MILE = 1.609344
M_PER_FOOT = 0.3048
CM_PER_INCH = 2.54
KG_PER_POUND = 0.45359237
KG_PER_STONE = 6.35029318
ML_PER_FL_OZ = 29.5735295625  # US customary fluid ounce
ML_PER_CUP = 236.5882365  # US customary cup: 8 fl oz


@dataclass(frozen=True)
class UnitSystem:
    name: str  # en_US | en_GB | METRIC

    def distance(self, km: float) -> float:
        return km / KM_PER_MILE if self.name == "en_US" else km

    def elevation(self, metres: float) -> float:
        return metres / M_PER_FOOT if self.name == "en_US" else metres

    def height(self, cm: float) -> float:
        return cm / CM_PER_INCH if self.name == "en_US" else cm

    def height_to_cm(self, value: float) -> float:
        """A height given in this unit system (inches for en_US), in centimetres."""
        return value * CM_PER_INCH if self.name == "en_US" else value

    def weight(self, kg: float) -> float:
        if self.name == "en_US":
            return kg / KG_PER_POUND
        if self.name == "en_GB":
            return kg / KG_PER_STONE
        return kg

    def weight_to_kg(self, value: float) -> float:
        """A weight given in this unit system (pounds for en_US, stones for en_GB), in kilograms."""
        if self.name == "en_US":
            return value * KG_PER_POUND
        if self.name == "en_GB":
            return value * KG_PER_STONE
        return value

    def liquid(self, ml: float) -> float:
        """Water: fluid ounces for en_US, millilitres otherwise [reference §9.1]."""
        return ml / ML_PER_FL_OZ if self.name == "en_US" else ml

    def liquid_to_ml(self, value: float) -> float:
        return value * ML_PER_FL_OZ if self.name == "en_US" else value

    @property
    def liquid_unit(self) -> str:
        """The ``unit`` a water amount in this system is in (Create Water Log's ``unit`` values)."""
        return "fl oz" if self.name == "en_US" else "ml"

    @property
    def profile_unit(self) -> str:
        """The profile's unit settings other than weight (distanceUnit, heightUnit, waterUnit, …): ``en_US`` or
        ``METRIC``; only weight has a UK (stone) setting."""
        return "en_US" if self.name == "en_US" else "METRIC"

    @property
    def weight_unit(self) -> str:
        return {"en_US": "en_US", "en_GB": "en_GB"}.get(self.name, "METRIC")


US = UnitSystem("en_US")
UK = UnitSystem("en_GB")
METRIC = UnitSystem("METRIC")


def unit_system_for(accept_language: str | None) -> UnitSystem:
    if not accept_language:
        return METRIC
    first = accept_language.split(",")[0].split(";")[0].strip().replace("-", "_").lower()
    if first == "en_us":
        return US
    if first == "en_gb":
        return UK
    return METRIC


# Create/Update Water Log's ``unit`` parameter: "ml", "fl oz" or "cup" [DOC create-water-log].
LIQUID_UNITS_ML = {"ml": 1.0, "fl oz": ML_PER_FL_OZ, "cup": ML_PER_CUP}
