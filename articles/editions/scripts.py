"""Script variants: public editions made automatically from a written language.

Kazakh is published in Cyrillic and, converted by articles/editions/transliteration.py,
in the 2021 Latin alphabet (`kk-latn`, settings.SCRIPT_VARIANTS). A variant
has its own columns (modeltranslation treats it as a language), filled when
the source language is saved, so no page view converts anything and every
public surface serves it like any other edition. Editors never type it; they
may override an article's converted text field by field.
"""

from collections.abc import Callable, Iterable

from django.db import models

from articles.editions.languages import SCRIPT_VARIANTS, localized
from articles.editions.transliteration import to_latin

CONVERTERS: dict[str, Callable[[str], str]] = {"kk-latn": to_latin}


def fill_variants(
    instance: models.Model,
    converted: Iterable[str],
    copied: Iterable[str] = (),
    overrides: Callable[[str, str], str] | None = None,
) -> None:
    """Set each variant's columns from its source language's.

    `converted` fields are converted to the variant's script (unless
    `overrides(variant, field)` returns a text of the editor's); `copied`
    fields (slugs, times) are the same in both scripts.
    """
    copied = tuple(copied)
    for variant, source in SCRIPT_VARIANTS.items():
        convert = CONVERTERS[variant]
        for field in converted:
            text = getattr(instance, localized(field, source))
            override = overrides(variant, field) if overrides else ""
            setattr(
                instance, localized(field, variant), override or (convert(text) if text else text)
            )
        for field in copied:
            setattr(
                instance, localized(field, variant), getattr(instance, localized(field, source))
            )
