"""Make the Latin-script Kazakh interface catalogue from the Cyrillic one.

The kk-latn edition's interface strings (and the desk's, with the libraries'
in locale/libraries) are the Kazakh ones, transliterated; nobody translates
them by hand. `make install` runs this whenever a Kazakh catalogue or the
transliteration changes.
"""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand

from articles.editions.transliteration import to_latin

# The Kazakh catalogues, the libraries' first: the project's own strings win.
SOURCES = (Path("libraries/kk/LC_MESSAGES"), Path("kk/LC_MESSAGES"))
TARGET = Path("kk_Latn/LC_MESSAGES")
DOMAINS = ("django", "djangojs")


class Command(BaseCommand):
    help = "Build the kk-latn interface catalogues by transliterating the kk ones."

    def handle(self, *args, **options):
        locale_dir = Path(settings.LOCALE_PATHS[0])
        for domain in DOMAINS:
            latin = Catalog(locale="kk", domain=domain, charset="utf-8")
            for source in SOURCES:
                path = locale_dir / source / f"{domain}.po"
                if not path.exists():
                    continue
                with open(path, "rb") as po:
                    cyrillic = read_po(po, locale="kk")
                for message in cyrillic:
                    if not message.id or message.fuzzy:
                        continue
                    latin.add(message.id, transliterated(message.string), context=message.context)
            target = locale_dir / TARGET / f"{domain}.mo"
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as output:
                write_mo(output, latin)
            shown = target.relative_to(locale_dir.parent)
            self.stdout.write(f"Wrote {shown} ({len(latin)} messages).")


def transliterated(string):
    if isinstance(string, tuple):
        return tuple(to_latin(form) for form in string)
    return to_latin(string)
