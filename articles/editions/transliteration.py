"""Kazakh Cyrillic in the 2021 Kazakh Latin alphabet, and that Latin folded to ASCII for slugs.

Most letters have one Latin counterpart and go through a translation table in one
C-speed pass. Only Щ, Ё, Ю and Я become more than one letter or depend on their
neighbour; a regular expression finds just those, so long bodies stay fast.
Russian letters met in Kazakh text (Ё, Ц, Щ, Ъ, Ь, Э...) follow the same table.
"""

import re
import unicodedata

# Cyrillic capital and small letter -> Latin capital and small letter.
LETTERS = {
    "Аа": "Aa",
    "Әә": "Ää",
    "Бб": "Bb",
    "Вв": "Vv",
    "Гг": "Gg",
    "Ғғ": "Ğğ",
    "Дд": "Dd",
    "Ее": "Ee",
    "Жж": "Jj",
    "Зз": "Zz",
    "Ии": "İi",
    "Йй": "İi",
    "Кк": "Kk",
    "Ққ": "Qq",
    "Лл": "Ll",
    "Мм": "Mm",
    "Нн": "Nn",
    "Ңң": "Ññ",
    "Оо": "Oo",
    "Өө": "Öö",
    "Пп": "Pp",
    "Рр": "Rr",
    "Сс": "Ss",
    "Тт": "Tt",
    "Уу": "Uu",
    "Ұұ": "Ūū",
    "Үү": "Üü",
    "Фф": "Ff",
    "Хх": "Hh",
    "Һһ": "Hh",
    "Цц": "Ss",
    "Чч": "Şş",
    "Шш": "Şş",
    "Ыы": "Yy",
    "Іі": "Iı",
    "Ээ": "Ee",
}

DROPPED = "ЪъЬь"

# Small letters only; capitals are derived with LATIN_CAPITALS.
SHCHA = {"щ": "şş"}
AFTER_CONSONANT = {"ё": "ö", "ю": "ü", "я": "ä"}
ELSEWHERE = {"ё": "io", "ю": "iu", "я": "ia"}

# Й is left out: after it the iotated vowel keeps its own i, so Майя -> Maiia.
CONSONANTS = frozenset("БВГҒДЖЗКҚЛМНҢПРСТФХҺЦЧШЩбвгғджзкқлмнңпрстфхһцчшщ")

# Explicit pairs, because str.upper() turns ı into I and i into I, not İ.
LATIN_CAPITALS = {latin[1]: latin[0] for latin in LETTERS.values()}

ASCII_FOLDING = {
    "Ä": "A",
    "ä": "a",
    "Ğ": "G",
    "ğ": "g",
    "İ": "I",
    "ı": "i",
    "Ñ": "N",
    "ñ": "n",
    "Ö": "O",
    "ö": "o",
    "Ş": "S",
    "ş": "s",
    "Ū": "U",
    "ū": "u",
    "Ü": "U",
    "ü": "u",
}

_ONE_TO_ONE = str.maketrans(
    {cyrillic[case]: latin[case] for cyrillic, latin in LETTERS.items() for case in (0, 1)}
    | dict.fromkeys(DROPPED, "")
)
_CONTEXTUAL = re.compile("[ЁЮЯЩёюящ]")
_TO_ASCII = str.maketrans(ASCII_FOLDING)


def to_latin(text: str) -> str:
    """`text` with its Kazakh Cyrillic written in the 2021 Kazakh Latin alphabet.

    Anything that is not Cyrillic (Latin, digits, punctuation) is left as it is.
    """
    text = unicodedata.normalize("NFC", text)
    return _CONTEXTUAL.sub(_contextual_letter, text).translate(_ONE_TO_ONE)


def to_ascii_slug_text(latin: str) -> str:
    """Kazakh Latin with its special letters folded to ASCII (Mäulen -> Maulen)."""
    return unicodedata.normalize("NFC", latin).translate(_TO_ASCII)


def kazakh_slug_text(cyrillic: str) -> str:
    """The ASCII text a Kazakh slug is made from (Мәулен -> Maulen)."""
    return to_ascii_slug_text(to_latin(cyrillic))


def _contextual_letter(match: re.Match[str]) -> str:
    text, position, letter = match.string, match.start(), match.group()
    small = letter.lower()
    if small in SHCHA:
        latin = SHCHA[small]
    elif position > 0 and text[position - 1] in CONSONANTS:
        latin = AFTER_CONSONANT[small]
    else:
        latin = ELSEWHERE[small]
    if letter == small:
        return latin
    if len(latin) > 1 and not _in_all_capitals_word(text, position):
        return LATIN_CAPITALS[latin[0]] + latin[1:]
    return "".join(LATIN_CAPITALS[character] for character in latin)


def _in_all_capitals_word(text: str, position: int) -> bool:
    """Whether the letter at `position` is in a word of two or more letters, all capitals.

    A lone capital is taken as the start of a title-case word: Я -> İa.
    """
    start = position
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    end = position + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return end - start > 1 and text[start:end].isupper()
