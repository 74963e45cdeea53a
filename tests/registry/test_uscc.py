"""zhongwei_carbon.uscc pinned against codes whose check character was computed by hand.

GB 32100-2015: values 0-9 → 0-9, A B C D E F G H J K L M N P Q R T U W X Y → 10..30;
weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; check = 31 − (Σ mod 31), 31 → "0".
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from zhongwei_carbon import uscc


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English msgids, whatever catalogs exist."""
    with translation.override("en"):
        yield

# 91110000600037341L: Σ = 9+3+9+27+120+24+168+30+120+28 = 538; 538 mod 31 = 11; 31−11 = 20 → L
# 9144030071526726XG: Σ = 1782 (X = 29, 29×28 = 812); 1782 mod 31 = 15; 31−15 = 16 → G
# 916405000000000019: Σ = 9+3+54+108+130+28 = 332; 332 mod 31 = 22; 31−22 = 9 → 9
# 000000000000000000: Σ = 0; 31−0 = 31 → "0" (the wrap-around)
# 10000000000000000Y: Σ = 1; 31−1 = 30 → Y (the last character of the alphabet)
VALID = [
    "91110000600037341L",
    "9144030071526726XG",
    "916405000000000019",
    "000000000000000000",
    "10000000000000000Y",
]


@pytest.mark.parametrize("code", VALID)
def test_hand_computed_codes_are_valid(code):
    assert uscc.problem(code) is None
    assert uscc.check_character(code[:17]) == code[17]
    uscc.validate_uscc(code)  # does not raise


def test_make_appends_the_hand_computed_check_character():
    assert uscc.make("91110000600037341") == "91110000600037341L"
    assert uscc.make("9144030071526726X") == "9144030071526726XG"


def test_lower_case_and_spaces_are_normalised():
    assert uscc.normalize("  91110000600037341l ") == "91110000600037341L"
    assert uscc.is_valid(" 91110000600037341l ")


@pytest.mark.parametrize(
    "code",
    ["91110000600037341M", "91110000600037341K", "9144030071526726XH", "000000000000000001"],
)
def test_wrong_check_character(code):
    assert "check character" in uscc.problem(code)
    with pytest.raises(ValidationError) as exc:
        uscc.validate_uscc(code)
    assert exc.value.code == "invalid_uscc"


@pytest.mark.parametrize("code,n", [("91110000600037341", 17), ("91110000600037341LL", 19), ("", 0)])
def test_wrong_length(code, n):
    assert uscc.problem(code) == f"A unified social credit code has 18 characters (got {n})."


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_outside_the_alphabet(letter):
    code = "9111000060003734" + letter + "L"
    assert uscc.problem(code) == (
        f"Characters not allowed in a unified social credit code: {letter}"
    )


def test_alphabet_has_31_characters_without_i_o_s_v_z():
    assert len(uscc.ALPHABET) == 31
    assert not set("IOSVZ") & set(uscc.ALPHABET)
