import datetime as dt

import pytest

from members import idcard


@pytest.mark.parametrize(
    "number, reason",
    [
        ("11010519491231002X", None),  # the example of GB 11643-1999 itself
        ("110105194912310021", "身份证号码校验位错误"),
        ("11010519491331002X", "身份证号码中的出生日期无效"),
        ("1101051949123100", "身份证号码应为18位（前17位数字，末位数字或X）"),
        ("11010519491231002x", None),  # lower-case x is accepted and normalised
        ("A1010519491231002X", "身份证号码应为18位（前17位数字，末位数字或X）"),
    ],
)
def test_validation(number, reason):
    assert idcard.validation_error(number) == reason


def test_make_builds_valid_numbers_with_birth_and_gender():
    number = idcard.make("320106", dt.date(1980, 2, 29), 123)
    assert idcard.validation_error(number) is None
    assert idcard.birth_date(number) == dt.date(1980, 2, 29)
    assert idcard.gender(number) == "M"
    assert idcard.gender(idcard.make("320106", dt.date(1980, 2, 29), 124)) == "F"


def test_mask_keeps_area_and_last_four():
    assert idcard.mask("11010519491231002X") == "110105********002X"
    assert idcard.mask_phone("13912345678") == "139****5678"
    assert idcard.mask("") == ""
