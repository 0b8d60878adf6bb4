import unicodedata

import pytest

from articles.editions.transliteration import kazakh_slug_text, to_ascii_slug_text, to_latin

# The test vectors of /work/shared/kazakh.md, section 1.
VECTORS = [
    ("Қазақстан Республикасы", "Qazaqstan Respublikasy"),
    (
        "Шығыс Еуропа мен Орталық Азияда орналасқан мемлекет.",
        "Şyğys Europa men Ortalyq Aziiada ornalasqan memleket.",
    ),
    (
        "Адамдарға ақыл-парасат, ар-ождан берілген, сондықтан олар бір-бірімен туыстық, "
        "бауырмалдық қарым-қатынас жасаулары тиіс.",
        "Adamdarğa aqyl-parasat, ar-ojdan berılgen, sondyqtan olar bır-bırımen tuystyq, "
        "bauyrmaldyq qarym-qatynas jasaulary tiıs.",
    ),
    ("Ерліктің дастаны", "Erlıktıñ dastany"),
    ("Даңқымыз шықты ғой", "Dañqymyz şyqty ğoi"),
    ("Бұрыңғы өткен заманда, бір данышпан кісі", "Būryñğy ötken zamanda, bır danyşpan kısı"),
    (
        "Не де болса, бұған жалынып, сый беріп, орнымда қалайын!",
        "Ne de bolsa, būğan jalynyp, syi berıp, ornymda qalaiyn!",
    ),
    ("Қайрат / Ақтөбе / Шахтер", "Qairat / Aqtöbe / Şahter"),
    ("Аю", "Aiu"),
    ("Қоян", "Qoian"),
    ("сюрреализм", "sürrealizm"),
    ("Цех / Ащы / Электр", "Seh / Aşşy / Elektr"),
    ("ҚАЗАҚСТАН РЕСПУБЛИКАСЫ", "QAZAQSTAN RESPUBLİKASY"),
    ("Бір-бірімен тиіс", "Bır-bırımen tiıs"),
    ("Азия Қоян Аю", "Aziia Qoian Aiu"),
]

# Cyrillic capital, Latin capital, Cyrillic small, Latin small: the one-to-one letters.
LETTER_TABLE = """
    А A а a    Ә Ä ә ä    Б B б b    В V в v    Г G г g    Ғ Ğ ғ ğ    Д D д d
    Е E е e    Ж J ж j    З Z з z    И İ и i    Й İ й i    К K к k    Қ Q қ q
    Л L л l    М M м m    Н N н n    Ң Ñ ң ñ    О O о o    Ө Ö ө ö    П P п p
    Р R р r    С S с s    Т T т t    У U у u    Ұ Ū ұ ū    Ү Ü ү ü    Ф F ф f
    Х H х h    Һ H һ h    Ц S ц s    Ч Ş ч ş    Ш Ş ш ş    Ы Y ы y    І I і ı
    Э E э e
"""
_CELLS = LETTER_TABLE.split()
ONE_TO_ONE = [
    pair
    for row in range(0, len(_CELLS), 4)
    for pair in (tuple(_CELLS[row : row + 2]), tuple(_CELLS[row + 2 : row + 4]))
]

SPECIAL_LETTERS = "ÄäĞğİıÑñÖöŞşŪūÜü"


@pytest.mark.parametrize(("cyrillic", "latin"), VECTORS, ids=[latin for _, latin in VECTORS])
def test_reference_vectors_transliterate_exactly(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_no_letter_of_the_kazakh_cyrillic_alphabet_is_left_in_cyrillic():
    alphabet = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
    latin = to_latin(f"{alphabet} {alphabet.lower()}")
    assert not any("CYRILLIC" in unicodedata.name(character) for character in latin)


@pytest.mark.parametrize(("cyrillic", "latin"), ONE_TO_ONE)
def test_each_letter_becomes_its_latin_letter_in_the_same_case(cyrillic, latin):
    assert to_latin(cyrillic) == latin
    assert to_latin(f"ба{cyrillic}ба") == f"ba{latin}ba"


@pytest.mark.parametrize("sign", ["ъ", "Ъ", "ь", "Ь"])
def test_hard_and_soft_signs_are_dropped(sign):
    assert to_latin(f"ал{sign}бом") == "albom"


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("щ", "şş"), ("Щука", "Şşuka"), ("ЩИ", "ŞŞİ"), ("ащы", "aşşy"), ("АЩЫ", "AŞŞY")],
)
def test_shcha_becomes_double_sh_cased_like_its_word(cyrillic, latin):
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # At the start of a word.
        ("ёлка", "iolka"),
        ("Ёлка", "İolka"),
        ("ЁЛКА", "İOLKA"),
        ("юрист", "iurist"),
        ("Юрист", "İurist"),
        ("ЮРИСТ", "İURİST"),
        ("январь", "ianvar"),
        ("Январь", "İanvar"),
        ("ЯНВАРЬ", "İANVAR"),
        ("ай-яй", "ai-iai"),
        # After a vowel.
        ("моё", "moio"),
        ("МОЁ", "MOİO"),
        ("аю", "aiu"),
        ("Аю", "Aiu"),
        ("АЮ", "AİU"),
        ("қоян", "qoian"),
        ("ҚОЯН", "QOİAN"),
        ("Азия", "Aziia"),
        # After a consonant.
        ("актёр", "aktör"),
        ("АКТЁР", "AKTÖR"),
        ("сюрреализм", "sürrealizm"),
        ("СЮРРЕАЛИЗМ", "SÜRREALİZM"),
        ("пляж", "pläj"),
        ("Пляж", "Pläj"),
        ("ПЛЯЖ", "PLÄJ"),
        # After ъ or ь, which are dropped.
        ("подъём", "podiom"),
        ("ПОДЪЁМ", "PODİOM"),
        ("вьюга", "viuga"),
        ("ВЬЮГА", "VİUGA"),
        ("Ульяновск", "Ulianovsk"),
        ("УЛЬЯНОВСК", "ULİANOVSK"),
    ],
)
def test_yo_yu_ya_follow_the_consonant_rule_and_the_case_of_their_word(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_iotated_vowel_after_short_i_keeps_its_own_i():
    assert to_latin("Майя") == "Maiia"


def test_lone_capital_ya_is_taken_as_title_case():
    assert to_latin("Я") == "İa"


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("іле", "ıle"),
        ("Іле", "Ile"),
        ("ІЛЕ", "ILE"),
        ("ит", "it"),
        ("Ит", "İt"),
        ("ИТ", "İT"),
        ("Ірі иін", "Irı iın"),
        ("ІРІ ИІН", "IRI İIN"),
    ],
)
def test_i_letters_use_the_turkic_case_pairs(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_capitals_never_carry_a_combining_dot():
    latin = to_latin("ИІЙЮЯЁ ИНДИЯ")
    assert "\u0307" not in latin
    assert latin == "İIİİUİAİO İNDİİA"


def test_text_that_is_not_cyrillic_passes_through_unchanged():
    text = "Google, Kaspi & Halyk: 2024-2025 — «OK» 5,5% (±0.1)\n\tTABS\u00a0and spaces"
    assert to_latin(text) == text


def test_latin_words_digits_and_punctuation_inside_kazakh_text_are_kept():
    assert to_latin("2024 жылы Google компаниясы «Kaspi» — 5%.\nИә!") == (
        "2024 jyly Google kompaniiasy «Kaspi» — 5%.\nİä!"
    )


@pytest.mark.parametrize(("cyrillic", "latin"), VECTORS)
def test_latin_output_is_left_alone_when_transliterated_again(cyrillic, latin):
    assert to_latin(latin) == latin


def test_decomposed_input_is_normalised_first():
    decomposed = unicodedata.normalize("NFD", "Қайрат Актёр")
    assert decomposed != "Қайрат Актёр"
    assert to_latin(decomposed) == "Qairat Aktör"


def test_empty_text_stays_empty():
    assert to_latin("") == ""
    assert to_ascii_slug_text("") == ""
    assert kazakh_slug_text("") == ""


@pytest.mark.parametrize(
    ("special", "ascii"), list(zip(SPECIAL_LETTERS, "AaGgIiNnOoSsUuUu", strict=True))
)
def test_each_special_latin_letter_folds_to_ascii_in_its_case(special, ascii):
    assert to_ascii_slug_text(special) == ascii


def test_folding_leaves_other_characters_alone():
    text = "Qazaq-2024 «OK» Iliias, café"
    assert to_ascii_slug_text(text) == text


def test_folding_handles_decomposed_latin():
    assert to_ascii_slug_text(unicodedata.normalize("NFD", "Mäulen Şūğyla")) == "Maulen Sugyla"


@pytest.mark.parametrize(
    ("cyrillic", "ascii"),
    [
        ("Мәулен", "Maulen"),
        ("Ілияс", "Iliias"),
        ("Шұғыла Өтепова", "Sugyla Otepova"),
        ("Қоңыр күз", "Qonyr kuz"),
        ("ҚАЗАҚСТАН РЕСПУБЛИКАСЫ", "QAZAQSTAN RESPUBLIKASY"),
    ],
)
def test_kazakh_slug_text_is_ascii_latin_not_unidecode(cyrillic, ascii):
    assert kazakh_slug_text(cyrillic) == ascii
    assert kazakh_slug_text(cyrillic).isascii()


def test_long_body_transliterates_whole_and_the_same_as_its_parts():
    paragraph = " ".join(cyrillic for cyrillic, _ in VECTORS) + " Юрист ЯНВАРЬ вьюга Щука."
    copies = 200_000 // len(paragraph) + 1
    body = "\n".join([paragraph] * copies)
    latin = to_latin(body)
    assert latin == "\n".join([to_latin(paragraph)] * copies)
    assert len(body) / 2 < len(latin) < len(body) * 2
