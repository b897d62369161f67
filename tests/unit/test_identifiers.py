"""Resident IDs, unified social credit codes, phone numbers: validation and masking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.identifiers import (
    credit_code_check_char,
    credit_code_problem,
    make_resident_id,
    mask_credit_code,
    mask_name,
    mask_phone,
    mask_resident_id,
    normalize_credit_code,
    normalize_resident_id,
    phone_problem,
    resident_id_check_char,
    resident_id_problem,
)

VALID_ID = "11010519491231002X"  # the GB 11643 textbook example
CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DIGITS = "0123456789"

digit_strings = st.text(alphabet=DIGITS, min_size=1, max_size=1)
# GB 11643 asks for a real date, not in the future: people born before 1900 hold IDs too.
births = st.dates(min_value=date(1800, 1, 1), max_value=date(2026, 1, 1))


# --- resident IDs --------------------------------------------------------------------------


def test_known_valid_id() -> None:
    assert resident_id_problem(VALID_ID) is None
    assert resident_id_problem(VALID_ID, today=date(2026, 1, 1)) is None
    assert make_resident_id("110105", date(1949, 12, 31), "002") == VALID_ID
    assert resident_id_check_char(VALID_ID[:17]) == "X"


@pytest.mark.parametrize("last", list("0123456789"))
def test_any_other_check_character_is_wrong(last: str) -> None:
    problem = resident_id_problem(VALID_ID[:17] + last)
    assert problem is not None
    assert "校验位" in problem and "check character" in problem


def test_lowercase_x_is_refused_until_normalized() -> None:
    lower = VALID_ID[:17] + "x"
    assert resident_id_problem(lower) is not None
    assert normalize_resident_id(f" {lower[:6]} {lower[6:14]} {lower[14:]}\t") == VALID_ID
    # Fullwidth input from Chinese input methods becomes ASCII.
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in VALID_ID)
    assert resident_id_problem(fullwidth) is not None
    assert normalize_resident_id(fullwidth) == VALID_ID


def test_a_birth_before_1900_is_a_real_date() -> None:
    assert (
        resident_id_problem(make_resident_id("110105", date(1899, 12, 31), "002"), date(2026, 11, 29)) is None
    )
    assert resident_id_problem(make_resident_id("110105", date(1880, 2, 29), "002")) is None  # a leap year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("110105194913310020", "birth date"),  # month 13
        ("110105194902300020", "birth date"),  # 30 February
        ("110105194912000020", "birth date"),  # day 00
        ("11010519491231002", "18 characters"),
        ("11010519491231002X1", "18 characters"),
        ("", "18 characters"),
        ("1101051949123100AX", "first 17"),
        ("１１０１０５19491231002X", "first 17"),  # fullwidth digits are not digits here
        ("11010519491231002Y", "last character"),
    ],
)
def test_invalid_ids(value: str, expected: str) -> None:
    problem = resident_id_problem(value)
    assert problem is not None
    assert expected in problem
    assert " / " in problem  # Chinese and English
    if value:
        assert value not in problem


def test_future_birth_date_only_checked_against_the_given_day() -> None:
    value = make_resident_id("320826", date(2026, 5, 2), "011")
    assert resident_id_problem(value, today=date(2026, 5, 2)) is None
    problem = resident_id_problem(value, today=date(2026, 5, 1))
    assert problem is not None and "future" in problem
    assert resident_id_problem(value) is None  # no clock read inside the validator


@pytest.mark.parametrize(
    ("region", "seq"), [("11010", "002"), ("1101050", "002"), ("110105", "02"), ("11010A", "002")]
)
def test_make_resident_id_refuses_bad_parts(region: str, seq: str) -> None:
    with pytest.raises(ValueError):
        make_resident_id(region, date(1990, 1, 1), seq)


@given(
    region=st.text(alphabet=DIGITS, min_size=6, max_size=6),
    birth=births,
    seq=st.text(alphabet=DIGITS, min_size=3, max_size=3),
)
def test_every_made_id_is_valid(region: str, birth: date, seq: str) -> None:
    value = make_resident_id(region, birth, seq)
    assert resident_id_problem(value, today=date(2026, 1, 1)) is None
    assert mask_resident_id(value) == value[:6] + "********" + value[14:]


@given(
    region=st.text(alphabet=DIGITS, min_size=6, max_size=6),
    birth=births,
    seq=st.text(alphabet=DIGITS, min_size=3, max_size=3),
    position=st.integers(min_value=0, max_value=16),
    shift=st.integers(min_value=1, max_value=9),
)
def test_changing_any_one_digit_invalidates(
    region: str, birth: date, seq: str, position: int, shift: int
) -> None:
    value = make_resident_id(region, birth, seq)
    changed = str((int(value[position]) + shift) % 10)
    tampered = value[:position] + changed + value[position + 1 :]
    assert resident_id_problem(tampered) is not None


@given(
    region=st.text(alphabet=DIGITS, min_size=6, max_size=6),
    birth=births,
    seq=st.text(alphabet=DIGITS, min_size=3, max_size=3),
    position=st.integers(min_value=0, max_value=15),
)
def test_swapping_two_adjacent_different_digits_invalidates(
    region: str, birth: date, seq: str, position: int
) -> None:
    value = make_resident_id(region, birth, seq)
    a, b = value[position], value[position + 1]
    if a != b:
        swapped = value[:position] + b + a + value[position + 2 :]
        assert resident_id_problem(swapped) is not None


# --- unified social credit codes -----------------------------------------------------------


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91440300708461136T"])
def test_known_valid_credit_codes(code: str) -> None:
    assert credit_code_problem(code) is None
    assert credit_code_check_char(code[:17]) == code[17]


def test_every_check_character_occurs_including_zero_for_31() -> None:
    # The last body character has weight 28, invertible mod 31, so varying it runs through all
    # 31 check characters; one of them is the case "31 - 0 = 31, written as 0".
    checks = {credit_code_check_char("9111000010000000" + c) for c in CC_CHARS}
    assert checks == set(CC_CHARS)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("91350100M000100Y44", "check character"),
        ("91350100M000100Y4", "18 characters"),
        ("91350100m000100Y43", "capital letters"),
        ("91350100I000100Y43", "capital letters"),  # I is not in the alphabet
        ("91350100O000100Y43", "capital letters"),  # nor O
        ("913501A0M000100Y43", "region code"),
    ],
)
def test_invalid_credit_codes(value: str, expected: str) -> None:
    problem = credit_code_problem(value)
    assert problem is not None
    assert expected in problem
    assert " / " in problem


def test_normalize_credit_code() -> None:
    assert normalize_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


cc_bodies = st.builds(
    lambda head, region, tail: head + region + tail,
    st.text(alphabet=CC_CHARS, min_size=2, max_size=2),
    st.text(alphabet=DIGITS, min_size=6, max_size=6),
    st.text(alphabet=CC_CHARS, min_size=9, max_size=9),
)


@given(body=cc_bodies, position=st.integers(0, 17), shift=st.integers(1, 30))
def test_changing_any_one_credit_code_character_invalidates(body: str, position: int, shift: int) -> None:
    code = body + credit_code_check_char(body)
    assert credit_code_problem(code) is None
    changed = CC_CHARS[(CC_CHARS.index(code[position]) + shift) % 31]
    tampered = code[:position] + changed + code[position + 1 :]
    assert credit_code_problem(tampered) is not None


def test_credit_codes_are_not_masked() -> None:
    assert mask_credit_code("91350100M000100Y43") == "91350100M000100Y43"


# --- phone numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13800138000",
        "19912345678",
        "0517-82345678",
        "051782345678",
        "0517-8234567",
        "010-62345678",
        "01062345678",
        "021-62345678-123",
    ],
)
def test_valid_phones(value: str) -> None:
    assert phone_problem(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12345678901",  # no 12x mobile prefix
        "1380013800",  # 10 digits
        "138001380000",  # 12 digits
        "82345678",  # landline without area code
        "517-82345678",
        "0517-123456",  # local number too short
        "0517-02345678",  # local numbers do not start with 0
        "0517-82345678-",
        "+8613800138000",
        "138 0013 8000",
    ],
)
def test_invalid_phones(value: str) -> None:
    problem = phone_problem(value)
    assert problem is not None
    assert " / " in problem
    if value:
        assert value not in problem


# --- masking -------------------------------------------------------------------------------


def test_masks() -> None:
    assert mask_resident_id(VALID_ID) == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("0517-82345678") == "0517-******78"
    assert mask_phone("051782345678") == "0517******78"
    assert mask_phone("010-62345678-123") == "010-******78-***"
    assert mask_name("张三丰") == "张**"
    assert mask_name("张三") == "张*"
    assert mask_name("") == ""


def test_malformed_values_are_masked_completely() -> None:
    assert mask_resident_id("1101051949") == "**********"
    assert mask_phone("+8613800138000") == "*" * 14
