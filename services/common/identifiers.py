"""Validation and masking of personal identifiers.

The ``*_problem`` functions return ``None`` for a valid value, otherwise a short message in
Chinese and English for the clerk. Messages never contain the value itself: error messages end
up in gRPC status details and, through the tracing instrumentation, in spans, where applicant
personal data must never go (ARCHITECTURE.md, Security and Tracing).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "credit_code_check_char",
    "credit_code_problem",
    "make_resident_id",
    "mask_credit_code",
    "mask_name",
    "mask_phone",
    "mask_resident_id",
    "normalize_credit_code",
    "normalize_resident_id",
    "phone_problem",
    "resident_id_check_char",
    "resident_id_problem",
]

# Explicit ASCII sets: str.isdigit() also accepts fullwidth and other Unicode digits.
_DIGITS = frozenset("0123456789")

# GB 11643-1999, ISO 7064 MOD 11-2.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# GB 32100-2015: the code alphabet leaves out I, O, Z, S and V (easily misread).
_CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_VALUES = {c: i for i, c in enumerate(_CC_CHARS)}
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area codes are 010 and 02X (3 digits) or 03XX–09XX (4 digits), so even without a hyphen the
# split between area code and local number is unambiguous. Local numbers never start with 0/1.
_LANDLINE = re.compile(
    r"(?P<area>0(?:10|2[0-9]|[3-9][0-9]{2}))(?P<sep>-?)(?P<local>[2-9][0-9]{6,7})"
    r"(?:-(?P<ext>[0-9]{1,6}))?"
)


def _is_ascii_digits(value: str) -> bool:
    return bool(value) and all(c in _DIGITS for c in value)


def _squeeze(value: str) -> str:
    # NFKC turns fullwidth input (１１０１…, Ｘ, ideographic space) into ASCII, which Chinese
    # input methods often produce.
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


# --- resident identity card number (公民身份号码) ---------------------------------------------


def normalize_resident_id(value: str) -> str:
    """Remove whitespace, turn fullwidth characters into ASCII and uppercase a final x."""
    return _squeeze(value)


def resident_id_check_char(first17: str) -> str:
    """The check character for the first 17 digits of a resident ID."""
    if len(first17) != 17 or not _is_ascii_digits(first17):
        raise ValueError("expected 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def resident_id_problem(value: str, today: date | None = None) -> str | None:
    """Why ``value`` is not a valid 18-character resident ID, or ``None`` if it is.

    A birth date after ``today`` is refused only when ``today`` is given: this module does not
    read the clock itself, so callers pass the date from the service's injectable clock.
    Lowercase ``x`` is refused; apply :func:`normalize_resident_id` to user input first.
    """
    if len(value) != 18:
        return "身份证号码应为18位 / a resident ID must be 18 characters"
    body, check = value[:17], value[17]
    if not _is_ascii_digits(body):
        return "身份证号码前17位应为数字 / the first 17 characters of a resident ID must be digits"
    if check not in _DIGITS and check != "X":
        return (
            "身份证号码最后一位应为数字或大写X"
            " / the last character of a resident ID must be a digit or a capital X"
        )
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效 / the birth date in the resident ID is not a valid date"
    if today is not None and birth > today:
        return "身份证号码中的出生日期晚于今天 / the birth date in the resident ID is in the future"
    if resident_id_check_char(body) != check:
        return "身份证号码校验位不正确 / the resident ID check character is wrong"
    return None


def make_resident_id(region6: str, birth: date, seq3: str) -> str:
    """A resident ID with a correct check character (demo data and tests)."""
    if len(region6) != 6 or not _is_ascii_digits(region6):
        raise ValueError("region6 must be 6 ASCII digits")
    if len(seq3) != 3 or not _is_ascii_digits(seq3):
        raise ValueError("seq3 must be 3 ASCII digits")
    first17 = f"{region6}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq3}"
    return first17 + resident_id_check_char(first17)


def mask_resident_id(value: str) -> str:
    """``110105********002X``: region and the last four stay, the birth date is hidden."""
    if len(value) != 18:
        # Anything malformed is hidden completely rather than guessed at.
        return "*" * len(value)
    return value[:6] + "*" * 8 + value[-4:]


# --- unified social credit code (统一社会信用代码) --------------------------------------------


def normalize_credit_code(value: str) -> str:
    """Remove whitespace, turn fullwidth characters into ASCII and uppercase."""
    return _squeeze(value)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(c not in _CC_VALUES for c in first17):
        raise ValueError("expected 17 characters of the credit code alphabet")
    total = sum(_CC_VALUES[c] * w for c, w in zip(first17, _CC_WEIGHTS, strict=True))
    return _CC_CHARS[(31 - total % 31) % 31]  # a result of 31 is written as 0


def credit_code_problem(value: str) -> str | None:
    """Why ``value`` is not a valid unified social credit code, or ``None`` if it is."""
    if len(value) != 18:
        return "统一社会信用代码应为18位 / a unified social credit code must be 18 characters"
    if any(c not in _CC_VALUES for c in value):
        return (
            "统一社会信用代码只能包含数字和除I、O、Z、S、V以外的大写字母"
            " / a unified social credit code may only contain digits and capital letters"
            " other than I, O, Z, S and V"
        )
    if not _is_ascii_digits(value[2:8]):
        return (
            "统一社会信用代码第3至8位应为6位行政区划码"
            " / characters 3 to 8 of a unified social credit code must be the 6-digit region code"
        )
    if credit_code_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验位不正确 / the unified social credit code check character is wrong"
    return None


def mask_credit_code(value: str) -> str:
    """Returned unchanged: enterprise credit codes are public information."""
    return value


# --- telephone numbers -------------------------------------------------------------------------


def phone_problem(value: str) -> str | None:
    """Why ``value`` is not a mainland mobile or landline number, or ``None`` if it is.

    Accepted: ``13800138000``; ``0517-82345678``, ``051782345678``, ``010-62345678-123``
    (area code required, optional hyphenated extension).
    """
    if not value:
        return "电话号码为空 / the phone number is empty"
    if _MOBILE.fullmatch(value) or _LANDLINE.fullmatch(value):
        return None
    if len(value) == 11 and value.startswith("1") and _is_ascii_digits(value):
        return "手机号码号段不正确 / the mobile number prefix is not valid"
    return (
        "电话号码格式不正确：手机号码为1开头的11位数字，固定电话须带区号（如0XXX-XXXXXXXX）"
        " / the phone number is not valid: a mobile number has 11 digits starting with 1;"
        " a landline needs its area code (e.g. 0XXX-XXXXXXXX)"
    )


def mask_phone(value: str) -> str:
    """``138****8000`` for mobiles; landlines keep the area code and the last two digits."""
    if _MOBILE.fullmatch(value):
        return value[:3] + "****" + value[-4:]
    landline = _LANDLINE.fullmatch(value)
    if landline is not None:
        local = landline["local"]
        masked = landline["area"] + landline["sep"] + "*" * (len(local) - 2) + local[-2:]
        ext = landline["ext"]
        return masked + ("-" + "*" * len(ext) if ext else "")
    return "*" * len(value)


# --- names -------------------------------------------------------------------------------------


def mask_name(value: str) -> str:
    """``张**``: the first character, then one star per remaining character."""
    return value[:1] + "*" * (len(value) - 1)
