"""Resident identity numbers (公民身份号码, GB 11643-1999): checksum, birth date, gender, masking.

The checksum is the ISO 7064 MOD 11-2 rule the standard prescribes; it is a few lines, so it is
written here rather than pulled in with an unmaintained package and its 700 KB of area tables.
"""

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize(value: str) -> str:
    return (value or "").strip().upper()


def validation_error(value: str) -> str | None:
    """None when `value` is a valid 18-digit identity number, else the reason in Chinese."""
    value = normalize(value)
    if not _PATTERN.match(value):
        return "身份证号码应为18位（前17位数字，末位数字或X）"
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效"
    if birth.year < 1900 or birth > dt.date.today():
        return "身份证号码中的出生日期无效"
    if check_char(value[:17]) != value[17]:
        return "身份证号码校验位错误"
    return None


def birth_date(value: str) -> dt.date:
    value = normalize(value)
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender(value: str) -> str:
    """'M' or 'F' from the order code's last digit (odd = male)."""
    return "M" if int(normalize(value)[16]) % 2 else "F"


def mask(value: str | None) -> str:
    """110105********1234: the area code and the last four stay, the birth date and order hide."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def make(area: str, birth: dt.date, order: int) -> str:
    """Build a valid number (used by demo data and tests)."""
    first17 = f"{area}{birth:%Y%m%d}{order:03d}"
    return first17 + check_char(first17)
