"""Make the Latin-script Kazakh interface catalogue from the Cyrillic one.

The kk-latn edition's interface strings are the Kazakh ones, transliterated;
nobody translates them by hand. `make install` runs this whenever
locale/kk/LC_MESSAGES/django.po or the transliteration changes.
"""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand

from articles.editions.transliteration import to_latin

SOURCE = Path("kk/LC_MESSAGES/django.po")
TARGET = Path("kk_Latn/LC_MESSAGES/django.mo")


class Command(BaseCommand):
    help = "Build the kk-latn interface catalogue by transliterating the kk one."

    def handle(self, *args, **options):
        locale_dir = Path(settings.LOCALE_PATHS[0])
        with open(locale_dir / SOURCE, "rb") as source:
            cyrillic = read_po(source, locale="kk")
        latin = Catalog(locale="kk", domain="django", charset="utf-8")
        for message in cyrillic:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.string, tuple):
                string = tuple(to_latin(form) for form in message.string)
            else:
                string = to_latin(message.string)
            latin.add(message.id, string, context=message.context)
        target = locale_dir / TARGET
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as output:
            write_mo(output, latin)
        self.stdout.write(f"Wrote {target.relative_to(locale_dir.parent)} ({len(latin)} messages).")
