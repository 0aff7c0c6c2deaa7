"""The checks on what the practice types in, against generated good and bad input."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from practice_action.domain import validators as v

UPPER = string.ascii_uppercase
DIGITS = string.digits
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # never C, I, K, M, O or V
FORBIDDEN_INWARD = "CIKMOV"

letter = st.sampled_from(UPPER)
digit = st.sampled_from(DIGITS)
# Whitespace a person may paste around a value: spaces, tabs, a trailing newline, a no-break space.
padding = st.text(alphabet=" \t\n\u00a0", max_size=3)


def _case(draw: st.DrawFn, text: str) -> str:
    """The same text in whatever mix of upper and lower case a person might type."""
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.lower() if flip else c for c, flip in zip(text, flips, strict=True))


@st.composite
def ods_codes(draw: st.DrawFn) -> str:
    return draw(letter) + "".join(draw(st.lists(digit, min_size=5, max_size=5)))


@st.composite
def typed_ods_codes(draw: st.DrawFn) -> tuple[str, str]:
    code = draw(ods_codes())
    return draw(padding) + _case(draw, code) + draw(padding), code


@given(typed_ods_codes())
def test_valid_ods_codes_are_accepted_and_upper_cased(typed: tuple[str, str]) -> None:
    text, code = typed
    assert v.check_ods_code(text) == code


@given(st.text(max_size=12))
@example("ı12345")  # a dotless i upper-cases to I: a look-alike, not a letter of the code
@example("C8204")
@example("C820401")
@example("CC8204")
@example("C 82040")
@example("")
def test_anything_else_is_refused_as_an_ods_code_with_a_message(text: str) -> None:
    assume(not re.fullmatch(r"[A-Za-z][0-9]{5}", text.strip()))
    with pytest.raises(ValueError) as refused:
        v.check_ods_code(text)
    assert "ODS code" in str(refused.value) or "one letter and five digits" in str(refused.value)
    assert "C82040" in str(refused.value), "the message shows what a good code looks like"


@given(st.lists(digit, min_size=7, max_size=7), st.booleans())
def test_a_gps_own_code_is_named_as_such(digits: list[str], lower: bool) -> None:
    code = "G" + "".join(digits)
    with pytest.raises(ValueError, match="GP's own code") as refused:
        v.check_ods_code(code.lower() if lower else code)
    assert "practice's ODS code" in str(refused.value)


def test_a_practice_code_beginning_with_g_is_still_a_practice_code() -> None:
    assert v.check_ods_code("g12345") == "G12345"
    assert v.check_ods_code(" Y01234 ") == "Y01234"


@st.composite
def outward_codes(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["A9", "A99", "A9A", "AA9", "AA99", "AA9A"]))
    return "".join(draw(letter) if c == "A" else draw(digit) for c in shape)


@st.composite
def postcodes(draw: st.DrawFn) -> str:
    inward = (
        draw(digit) + draw(st.sampled_from(INWARD_LETTERS)) + draw(st.sampled_from(INWARD_LETTERS))
    )
    return f"{draw(outward_codes())} {inward}"


@st.composite
def typed_postcodes(draw: st.DrawFn) -> tuple[str, str]:
    code = draw(postcodes())
    outward, inward = code.split(" ")
    middle = draw(st.sampled_from(["", " ", "  ", "\u00a0"]))
    typed = draw(padding) + _case(draw, outward + middle + inward) + draw(padding)
    return typed, code


@given(typed_postcodes())
@example(("sw1a1aa", "SW1A 1AA"))
@example(("gir 0aa", "GIR 0AA"))
@example((" le1  6tp\n", "LE1 6TP"))
def test_valid_postcodes_are_accepted_and_written_the_standard_way(
    typed: tuple[str, str],
) -> None:
    text, code = typed
    assert v.check_postcode(text) == code


@given(outward_codes(), digit, st.sampled_from(FORBIDDEN_INWARD), st.sampled_from(INWARD_LETTERS))
def test_inward_letters_c_i_k_m_o_v_are_refused(
    outward: str, number: str, bad: str, good: str
) -> None:
    for inward in (number + bad + good, number + good + bad):
        with pytest.raises(ValueError, match="not a UK postcode"):
            v.check_postcode(f"{outward} {inward}")


_LOOKS_VALID = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2}|GIR0AA")


@given(st.text(max_size=10))
@example("ſw1a 1aa")  # the long s upper-cases to S: a look-alike, not a letter
@example("LE1")
@example("1LE 6TP")
@example("LE1 6T")
@example("ABC1 6TP")
@example("LE1 66TP")
def test_anything_else_is_refused_as_a_postcode_with_a_message(text: str) -> None:
    compact = re.sub(r"\s+", "", text)
    assume(not (compact.isascii() and _LOOKS_VALID.fullmatch(compact.upper())))
    with pytest.raises(ValueError) as refused:
        v.check_postcode(text)
    assert "Postcode is required" in str(refused.value) or "not a UK postcode" in str(refused.value)
    assert "LE1 6TP" in str(refused.value), "the message shows what a good postcode looks like"


def _nhs_check_digit(first_nine: str) -> int:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    return (11 - total % 11) % 11


nine_digits = st.lists(digit, min_size=9, max_size=9).map("".join)


@given(nine_digits)
def test_an_nhs_number_with_its_modulus_11_check_digit_is_valid(first_nine: str) -> None:
    check = _nhs_check_digit(first_nine)
    assume(check != 10)
    number = first_nine + str(check)
    assert v.nhs_number_is_valid(number)
    assert v.nhs_number_is_valid(v.format_nhs_number(number))
    assert v.format_nhs_number(number) == f"{number[:3]} {number[3:6]} {number[6:]}"


@given(nine_digits, digit)
def test_any_other_check_digit_is_invalid(first_nine: str, last: str) -> None:
    assume(int(last) != _nhs_check_digit(first_nine))
    assert not v.nhs_number_is_valid(first_nine + last)


@given(st.lists(digit, min_size=8, max_size=8).map("".join))
def test_a_check_digit_of_10_makes_every_last_digit_invalid(first_eight: str) -> None:
    # Pick the ninth digit (weight 2) so that the check digit comes out as 10, where one exists.
    ninth = [d for d in DIGITS if _nhs_check_digit(first_eight + d) == 10]
    assume(ninth)
    first_nine = first_eight + ninth[0]
    assert not any(v.nhs_number_is_valid(first_nine + d) for d in DIGITS)


@given(nine_digits, st.integers(min_value=0, max_value=7))
def test_swapping_two_neighbouring_digits_is_caught(first_nine: str, at: int) -> None:
    check = _nhs_check_digit(first_nine)
    assume(check != 10 and first_nine[at] != first_nine[at + 1])
    swapped = first_nine[:at] + first_nine[at + 1] + first_nine[at] + first_nine[at + 2 :]
    assert not v.nhs_number_is_valid(swapped + str(check))


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("943 476 5919", True),  # the NHS's published example number
        ("9434765919", True),
        ("9434765918", False),
        ("943476591", False),
        ("94347659190", False),
        ("943-476-5919", False),
        ("", False),
    ],
)
def test_known_nhs_numbers(number: str, valid: bool) -> None:
    assert v.nhs_number_is_valid(number) is valid


@given(
    st.text(min_size=1, max_size=3, alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x9F))
)
def test_a_name_with_a_control_character_is_refused(control: str) -> None:
    assume(control.strip())
    with pytest.raises(ValueError, match="control character"):
        v.check_name(f"Dr{control}Patel", "Clinician's name")
