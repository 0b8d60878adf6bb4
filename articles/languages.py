"""The site's languages: the editions readers choose, and the languages editors write.

settings.LANGUAGES lists every public edition; settings.SCRIPT_VARIANTS
names those made automatically from another language (articles/scripts.py).
"""

from django.conf import settings

SCRIPT_VARIANTS: dict[str, str] = dict(getattr(settings, "SCRIPT_VARIANTS", {}))

# Every public edition, in settings order (kk, kk-latn, ru, en).
EDITIONS = [code for code, _name in settings.LANGUAGES]
# The languages editors write and translate (kk, ru, en).
LANGUAGE_CODES = [code for code in EDITIONS if code not in SCRIPT_VARIANTS]
WRITTEN_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code in LANGUAGE_CODES]


def localized(field: str, language: str) -> str:
    """The column that holds `field` in `language` (modeltranslation's name): title_kk_latn."""
    return f"{field}_{language.replace('-', '_')}"


def language_tag(language: str) -> str:
    """The BCP 47 tag for `lang` and hreflang: kk-latn → kk-Latn."""
    base, _sep, script = language.partition("-")
    return f"{base}-{script.title()}" if len(script) == 4 else language
