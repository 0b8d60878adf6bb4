"""Sort keys that put Kazakh text in the order of the Kazakh alphabets.

Python's sorted() compares code points, so it puts і before ы, ү before ұ and ә
after я; the default database collations do no better. `kazakh_sort_key` orders
Kazakh Cyrillic by the Kazakh Cyrillic alphabet and Kazakh Latin by the 2021 Latin
alphabet, ignoring case first and breaking ties by case (small letters first), so
the order is total and the same on every run.

On PostgreSQL the ICU collation `kk-KZ-x-icu` is the database-side equivalent;
this key is for sorting in Python and on SQLite.
"""

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.db import connections
from django.db.models import QuerySet
from django.db.models.functions import Collate

CYRILLIC_ALPHABET = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"

# Capital and small letter of each Latin letter; I pairs with ı and İ with i.
LATIN_ALPHABET = (
    "Aa Ää Bb Dd Ee Ff Gg Ğğ Hh Iı İi Jj Kk Ll Mm Nn Ññ Oo Öö Pp Qq Rr Ss Şş Tt Uu Ūū Üü Vv Yy Zz"
).split()

# Primary weights, in the order the groups sort: spaces, then punctuation and
# symbols, then digits, then Cyrillic (as ICU's Cyrillic locales reorder it before
# Latin), then Kazakh Latin, then any other letter by code point.
_SPACE = 0
_SYMBOLS = 1
_DIGITS = 0x110001
_CYRILLIC = 0x120000
_LATIN = 0x130000
_OTHER_LETTERS = 0x140000

SMALL, CAPITAL = 0, 1

_LETTER_WEIGHTS = {
    letter: (_CYRILLIC + index, case)
    for index, capital in enumerate(CYRILLIC_ALPHABET)
    for letter, case in ((capital, CAPITAL), (capital.lower(), SMALL))
} | {
    letter: (_LATIN + index, case)
    for index, pair in enumerate(LATIN_ALPHABET)
    for letter, case in zip(pair, (CAPITAL, SMALL), strict=True)
}


def kazakh_sort_key(text: str) -> tuple:
    """A key that sorts `text` in Kazakh alphabetical order; equal only for equal text."""
    text = unicodedata.normalize("NFC", text)
    weights = [weight for weight in map(_weigh, text) if weight is not None]
    return (
        tuple(primary for primary, _case in weights),
        tuple(case for _primary, case in weights),
        text,
    )


def sorted_kazakh[T](items: Iterable[T], key: Callable[[T], str] | None = None) -> list[T]:
    """A new list of `items` in Kazakh alphabetical order of `key(item)` (the item itself)."""
    if key is None:
        return sorted(items, key=kazakh_sort_key)
    return sorted(items, key=lambda item: kazakh_sort_key(key(item)))


# Where PostgreSQL's ICU collations know the language's alphabet, the database sorts.
DATABASE_COLLATIONS = {"kk": "kk-KZ-x-icu", "ru": "ru-RU-x-icu"}


def alphabetical(rows: QuerySet | Iterable, field: str, language: str) -> list:
    """The rows in `language`'s alphabetical order of `field`.

    On PostgreSQL, Kazakh and Russian sort in the database with their ICU
    collations; elsewhere (SQLite, and Kazakh in Latin script, which ICU does
    not tailor) with `kazakh_sort_key` in Python. Russian's alphabet keeps its
    order inside the Kazakh Cyrillic one; other languages ignore case.
    """
    collation = DATABASE_COLLATIONS.get(language)
    if isinstance(rows, QuerySet) and collation and connections[rows.db].vendor == "postgresql":
        return list(rows.order_by(Collate(field, collation), "pk"))
    key = kazakh_sort_key if language.partition("-")[0] in {"kk", "ru"} else _caseless_key
    return sorted(rows, key=lambda item: key(getattr(item, field) or ""))


def _caseless_key(text: str) -> tuple[str, str]:
    return unicodedata.normalize("NFC", text).casefold(), text


@lru_cache(maxsize=4096)
def _weigh(character: str) -> tuple[int, int] | None:
    """The primary weight and case of one character; None for an accent left uncombined."""
    if character in _LETTER_WEIGHTS:
        return _LETTER_WEIGHTS[character]
    if unicodedata.combining(character):
        return None
    if character.isspace():
        return _SPACE, SMALL
    if (digit := unicodedata.decimal(character, None)) is not None:
        return _DIGITS + digit, SMALL
    if character.isalpha():
        small = character.lower()
        if len(small) != 1:
            small = character
        return _OTHER_LETTERS + ord(small), CAPITAL if small != character else SMALL
    return _SYMBOLS + ord(character), SMALL
