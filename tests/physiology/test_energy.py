import pytest

from fitbit_local.physiology.energy import bmr_mifflin_st_jeor


def test_mifflin_st_jeor() -> None:
    assert bmr_mifflin_st_jeor("MALE", 70.0, 175.0, 30) == pytest.approx(1648.75)
    assert bmr_mifflin_st_jeor("FEMALE", 60.0, 165.0, 40) == pytest.approx(1270.25)
    with pytest.raises(ValueError):
        bmr_mifflin_st_jeor("OTHER", 60.0, 165.0, 40)
