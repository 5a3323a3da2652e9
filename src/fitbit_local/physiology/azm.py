"""Active Zone Minutes from the per-minute zones (reference takeout-and-data §5.2).

One credit per minute in fat burn, two in cardio or peak; the daily fields are *credited* sums, so the cardio and
peak fields are always even and activeZoneMinutes = fat + cardio + peak. Every minute with a zone counts: nothing
public says everyday AZM need a sustained bout (the 10-minute rule belongs to the older active minutes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fitbit_local.physiology.day import NO_ZONE, ZONE_CARDIO, ZONE_FAT_BURN, ZONE_PEAK

# credit per zone code 0..3 (out of range, fat burn, cardio, peak)
ZONE_CREDIT = np.array([0, 1, 2, 2], dtype=np.uint8)

# intraday field name per credited zone
AZM_FIELDS: dict[int, str] = {
    ZONE_FAT_BURN: "fatBurnActiveZoneMinutes",
    ZONE_CARDIO: "cardioActiveZoneMinutes",
    ZONE_PEAK: "peakActiveZoneMinutes",
}


@dataclass(frozen=True)
class AzmTotals:
    fat_burn: int  # credited = minutes in fat burn
    cardio: int  # credited = 2 x minutes in cardio
    peak: int  # credited = 2 x minutes in peak

    @property
    def total(self) -> int:
        return self.fat_burn + self.cardio + self.peak


def azm_credits(zones: np.ndarray) -> np.ndarray:
    """Credit earned in each minute (0, 1 or 2); NO_ZONE minutes earn nothing."""
    z = np.asarray(zones, dtype=np.uint8)
    return np.where(z == NO_ZONE, 0, ZONE_CREDIT[np.minimum(z, 3)]).astype(np.uint8)


def azm_totals(zones: np.ndarray) -> AzmTotals:
    z = np.asarray(zones, dtype=np.uint8)
    return AzmTotals(
        fat_burn=int(np.count_nonzero(z == ZONE_FAT_BURN)),
        cardio=2 * int(np.count_nonzero(z == ZONE_CARDIO)),
        peak=2 * int(np.count_nonzero(z == ZONE_PEAK)),
    )


def azm_minutes(zones: np.ndarray) -> list[tuple[int, dict[str, int]]]:
    """Intraday AZM at 1-minute detail: (minute index, fields) for credited minutes only."""
    z = np.asarray(zones, dtype=np.uint8)
    credit = azm_credits(z)
    out: list[tuple[int, dict[str, int]]] = []
    for m in np.flatnonzero(credit).tolist():
        c = int(credit[m])
        out.append((m, {"activeZoneMinutes": c, AZM_FIELDS[int(z[m])]: c}))
    return out


def azm_buckets(zones: np.ndarray, minutes_per_bucket: int) -> list[tuple[int, dict[str, int]]]:
    """Intraday AZM summed over buckets of 1, 5 or 15 minutes.

    Returns (first minute of the bucket, fields) for buckets with credit only; each bucket carries
    activeZoneMinutes plus the credited field of every zone present in it.
    """
    if minutes_per_bucket not in (1, 5, 15):
        raise ValueError(f"unsupported bucket size {minutes_per_bucket}")
    z = np.asarray(zones, dtype=np.uint8)
    credit = azm_credits(z).astype(np.int64)
    n = len(z) // minutes_per_bucket
    per_zone = {
        code: np.where(z == code, credit, 0).reshape(n, minutes_per_bucket).sum(axis=1) for code in AZM_FIELDS
    }
    totals = credit.reshape(n, minutes_per_bucket).sum(axis=1)
    out: list[tuple[int, dict[str, int]]] = []
    for b in np.flatnonzero(totals).tolist():
        fields = {"activeZoneMinutes": int(totals[b])}
        for code, name in AZM_FIELDS.items():
            v = int(per_zone[code][b])
            if v:
                fields[name] = v
        out.append((b * minutes_per_bucket, fields))
    return out
