import itertools
import unicodedata
from types import SimpleNamespace

import pytest

from articles.editions.collation import alphabetical, kazakh_sort_key, sorted_kazakh

CYRILLIC_ALPHABET = (
    "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я"
).split()
LATIN_ALPHABET = "a ä b d e f g ğ h ı i j k l m n ñ o ö p q r s ş t u ū ü v y z".split()

WORDS = ["Ірі", "Ыдыс", "Үй", "Ұл", "Әке", "Ақ", "Ана", "Ғалым", "Гүл"]
WORDS_IN_KAZAKH_ORDER = ["Ақ", "Ана", "Әке", "Гүл", "Ғалым", "Ұл", "Үй", "Ыдыс", "Ірі"]

AUTHORS = ["Әйгерім", "Айдос", "Ерлан", "Ілияс", "Ұлан", "Үміт"]
AUTHORS_IN_KAZAKH_ORDER = ["Айдос", "Әйгерім", "Ерлан", "Ұлан", "Үміт", "Ілияс"]


def test_kazakh_words_sort_in_the_order_of_the_kazakh_alphabet():
    assert sorted_kazakh(WORDS) == WORDS_IN_KAZAKH_ORDER


def test_author_names_sort_in_the_order_of_the_kazakh_alphabet():
    assert sorted_kazakh(AUTHORS) == AUTHORS_IN_KAZAKH_ORDER


@pytest.mark.parametrize(
    ("words", "kazakh_order"),
    [(WORDS, WORDS_IN_KAZAKH_ORDER), (AUTHORS, AUTHORS_IN_KAZAKH_ORDER)],
    ids=["words", "authors"],
)
def test_pythons_default_sort_gets_kazakh_wrong(words, kazakh_order):
    assert sorted(words) != kazakh_order


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("ы", "і"),
        ("ұ", "ү"),
        ("у", "ұ"),
        ("а", "ә"),
        ("ә", "б"),
        ("г", "ғ"),
        ("ғ", "д"),
        ("е", "ё"),
        ("к", "қ"),
        ("қ", "л"),
        ("н", "ң"),
        ("ң", "о"),
        ("о", "ө"),
        ("ө", "п"),
        ("х", "һ"),
        ("һ", "ц"),
        ("і", "ь"),
    ],
)
def test_kazakh_letters_take_their_place_in_the_alphabet(earlier, later):
    assert kazakh_sort_key(earlier) < kazakh_sort_key(later)
    assert kazakh_sort_key(earlier.upper()) < kazakh_sort_key(later)
    assert kazakh_sort_key(earlier + "я") < kazakh_sort_key(later + "а")


def test_i_comes_after_y_and_short_u_before_long_u_in_words():
    assert sorted_kazakh(["іс", "ыс"]) == ["ыс", "іс"]
    assert sorted_kazakh(["үн", "ұн"]) == ["ұн", "үн"]


def test_the_whole_cyrillic_alphabet_sorts_into_place_in_both_cases():
    assert sorted_kazakh(reversed(CYRILLIC_ALPHABET)) == CYRILLIC_ALPHABET
    capitals = [letter.upper() for letter in CYRILLIC_ALPHABET]
    assert sorted_kazakh(reversed(capitals)) == capitals


def test_the_whole_latin_alphabet_sorts_into_place_in_both_cases():
    assert sorted_kazakh(reversed(LATIN_ALPHABET)) == LATIN_ALPHABET
    capitals = "A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z".split()
    assert sorted_kazakh(reversed(capitals)) == capitals


def test_dotless_i_and_its_capital_come_before_dotted_i_and_its_capital():
    assert sorted_kazakh(["İ", "i", "I", "ı"]) == ["ı", "I", "i", "İ"]
    assert sorted_kazakh(["iş", "ız", "İnjener", "Ibyrai"]) == ["Ibyrai", "ız", "İnjener", "iş"]


@pytest.mark.parametrize(
    "latin_order",
    [
        ["Sabaq", "Sz", "Şaqyr", "Tūz"],
        ["tan", "tañ", "tao"],
        ["Uly", "Ūlan", "Ülken"],
        ["aga", "agza", "ağa", "aha"],
        ["Aza", "Äke", "Bala"],
        ["Orta", "Öner", "Pana"],
    ],
)
def test_kazakh_latin_words_sort_in_the_2021_alphabet_order(latin_order):
    assert sorted_kazakh(reversed(latin_order)) == latin_order


@pytest.mark.parametrize(
    ("shuffled", "ordered"),
    [(["Ана", "ақ"], ["ақ", "Ана"]), (["Bala", "ağa"], ["ağa", "Bala"])],
)
def test_case_is_ignored_before_letters_are_compared(shuffled, ordered):
    assert sorted(shuffled) == shuffled
    assert sorted_kazakh(shuffled) == ordered


def test_the_same_word_in_different_cases_sorts_small_letters_first():
    assert sorted_kazakh(["АҚ", "Ақ", "ақ"]) == ["ақ", "Ақ", "АҚ"]


def test_every_arrangement_of_the_input_sorts_to_the_same_list():
    words = ["АҚ", "ақ", "Ақ", "Ақа", "ақ жол", "Qazaq", "Қазақ"]
    first = sorted_kazakh(words)
    for arrangement in itertools.permutations(words):
        assert sorted_kazakh(arrangement) == first


def test_keys_are_equal_only_for_equal_text():
    texts = ["ақ", "Ақ", "АҚ", "аҚ", "ақ ", "ақ\u00a0", "ақ-", "aq", "ı", "I", "i", "İ", ""]
    for one, other in itertools.combinations(texts, 2):
        assert kazakh_sort_key(one) != kazakh_sort_key(other), (one, other)


def test_decomposed_text_sorts_as_its_composed_form():
    assert kazakh_sort_key(unicodedata.normalize("NFD", "Йод Ёлка")) == kazakh_sort_key("Йод Ёлка")


def test_items_with_equal_keys_keep_their_order():
    records = [("Ерлан", 1), ("Айдос", 2), ("Ерлан", 3)]
    assert sorted_kazakh(records, key=lambda record: record[0]) == [
        ("Айдос", 2),
        ("Ерлан", 1),
        ("Ерлан", 3),
    ]


def test_spaces_and_punctuation_then_digits_come_before_letters():
    titles = ["Ақа", "Ақ-Орда", "Ақ жол", "2024 жыл", "«Ақ»", ""]
    assert sorted_kazakh(titles) == ["", "«Ақ»", "2024 жыл", "Ақ жол", "Ақ-Орда", "Ақа"]


def test_cyrillic_comes_before_latin_and_other_letters_come_last():
    names = ["Xerox", "Qazaq", "Chevron", "Қазақ", "Zat"]
    assert sorted_kazakh(names) == ["Қазақ", "Qazaq", "Zat", "Chevron", "Xerox"]


def test_alphabetical_sorts_objects_by_a_field_in_kazakh_order():
    authors = [SimpleNamespace(name_kk=name) for name in AUTHORS]
    ordered = alphabetical(authors, "name_kk", "kk")
    assert [author.name_kk for author in ordered] == AUTHORS_IN_KAZAKH_ORDER


def test_alphabetical_puts_russian_yo_between_ye_and_zhe():
    authors = [SimpleNamespace(name_ru=name) for name in ["Жуков", "Ёлкин", "Ежов"]]
    ordered = alphabetical(authors, "name_ru", "ru")
    assert [author.name_ru for author in ordered] == ["Ежов", "Ёлкин", "Жуков"]


def test_alphabetical_in_english_ignores_case_and_puts_missing_names_first():
    authors = [SimpleNamespace(name_en=name) for name in ["zoe", "Adam", None, "charlie"]]
    ordered = alphabetical(authors, "name_en", "en")
    assert [author.name_en for author in ordered] == [None, "Adam", "charlie", "zoe"]
