"""The site's languages: the editions readers choose, and the languages editors write.

settings.LANGUAGES lists every public edition; settings.SCRIPT_VARIANTS
names those made automatically from another language (articles/editions/scripts.py).
Which fields have a column per edition is articles/translation.py's to say,
read back here from modeltranslation's registry.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateField, Model
from django.utils import translation
from modeltranslation.translator import translator

SCRIPT_VARIANTS: dict[str, str] = dict(getattr(settings, "SCRIPT_VARIANTS", {}))

# Every public edition, in settings order (kk, kk-latn, ru, en).
EDITIONS = [code for code, _name in settings.LANGUAGES]
# The languages editors write and translate (kk, ru, en).
LANGUAGE_CODES = [code for code in EDITIONS if code not in SCRIPT_VARIANTS]
WRITTEN_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code in LANGUAGE_CODES]


def localized(field: str, language: str) -> str:
    """The column that holds `field` in `language` (modeltranslation's name): title_kk_latn."""
    return f"{field}_{language.replace('-', '_')}"


def translated_fields(model: type[Model]) -> tuple[str, ...]:
    """The fields of `model` that have a column per edition, in the model's order.

    modeltranslation keeps a registration's fields as a set, whose order changes
    from one process to the next; the model's order is the one editors see.
    """
    registered = translator.get_options_for_model(model).all_fields
    return tuple(sorted(registered, key=lambda name: model._meta.get_field(name).creation_counter))


def translated_text(model: type[Model]) -> tuple[str, ...]:
    """The translated fields that are written in a language: all of them but dates and times."""
    return tuple(
        name
        for name in translated_fields(model)
        if not isinstance(model._meta.get_field(name), DateField)
    )


def language_tag(language: str) -> str:
    """The BCP 47 tag for `lang` and hreflang: kk-latn → kk-Latn."""
    base, _sep, script = language.partition("-")
    return f"{base}-{script.title()}" if len(script) == 4 else language


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switcher; `url` is None where the content is missing."""

    code: str
    name: str
    url: str | None
    is_current: bool


def language_links(url_for: Callable[[str], str | None]) -> list[LanguageLink]:
    """Every edition's link, `url_for(code)` called with that edition's language active."""
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            url = url_for(code)
        links.append(LanguageLink(code, name, url, code == current))
    return links
