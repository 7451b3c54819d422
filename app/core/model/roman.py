"""Area numbers come as '3', 'nr 3', 'XIII': one normalised integer for all."""

import re

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN_RE = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def roman_to_int(text: str) -> int:
    """Strict Roman numeral to int; raises ValueError for anything malformed."""
    value = text.strip().upper()
    if not value or not _ROMAN_RE.match(value):
        raise ValueError(f"'{text}' is not a Roman numeral")
    total = 0
    for char, nxt in zip(value, [*value[1:], ""], strict=True):
        digit = _ROMAN[char]
        total += -digit if nxt and _ROMAN[nxt] > digit else digit
    return total


def parse_area_number(text: str) -> int:
    """'3', '03', 'XIII', 'nr 12' → int; ValueError with the text when unreadable."""
    value = re.sub(r"^(nr|numer)\.?\s*", "", text.strip(), flags=re.IGNORECASE)
    if value.isdigit():
        number = int(value)
    else:
        try:
            number = roman_to_int(value)
        except ValueError:
            raise ValueError(f"area number '{text}' is neither Arabic nor Roman") from None
    if not 0 < number < 10_000:
        raise ValueError(f"area number '{text}' is out of range")
    return number
