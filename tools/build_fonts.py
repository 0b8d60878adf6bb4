"""Make the site's web font: Noto Sans cut to the letters the editions write.

    npm ci && .venv/bin/python tools/build_fonts.py

Reads Noto Sans (SIL Open Font License) from the npm package
@expo-google-fonts/noto-sans (package.json) and writes, for each weight the
stylesheet uses, one WOFF2 file to static/fonts/ holding Kazakh and Russian
Cyrillic, the Kazakh Latin alphabet, Latin for names, and the punctuation
and signs news is written with (the tenge, №, dashes, quotes). One file per
weight: a page needs no other, and the share cards' Pillow draws headlines
with the same file (articles/media/share_cards.py). The files are kept in the
repository, so that `make run` needs no npm; run this again only to change
them.
"""

import shutil
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "node_modules" / "@expo-google-fonts" / "noto-sans"
OUTPUT = ROOT / "static" / "fonts"
WEIGHTS = {400: "400Regular/NotoSans_400Regular.ttf", 700: "700Bold/NotoSans_700Bold.ttf"}

# Kazakh's letters beyond Russian's: Ә Ғ Қ Ң Ө Ұ Ү Һ І, each in both cases.
KAZAKH_CYRILLIC = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1: «», °, ×, ä ö ü ñ of Kazakh Latin
    (0x0100, 0x017F),  # Latin Extended-A: ğ ı ş ū of Kazakh Latin, names
    (0x0400, 0x045F),  # Cyrillic: Russian, and І і
    (0x2010, 0x2027),  # dashes, quotes, bullet, ellipsis
    (0x2030, 0x203A),  # per mille, primes, single guillemets
    (0x20A0, 0x20C0),  # currency signs: ₸ (tenge), ₽, €
    (0x2116, 0x2116),  # №
    (0x2122, 0x2122),  # ™
    (0x2190, 0x2193),  # arrows
    (0x2212, 0x2212),  # minus
]


def characters() -> set[int]:
    wanted = {ord(letter) for letter in KAZAKH_CYRILLIC}
    for first, last in RANGES:
        wanted.update(range(first, last + 1))
    return wanted


def main() -> int:
    if not PACKAGE.exists():
        print(f"{PACKAGE} is missing: run npm ci first.", file=sys.stderr)
        return 1
    OUTPUT.mkdir(parents=True, exist_ok=True)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "liga", "calt", "locl", "mark", "mkmk", "ccmp"]
    options.name_IDs = ["*"]  # the font's own name and licence stay in it
    for weight, source in WEIGHTS.items():
        font = subset.load_font(str(PACKAGE / source), options)
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=characters())
        cutter.subset(font)
        target = OUTPUT / f"noto-sans-{weight}.woff2"
        subset.save_font(font, str(target), options)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size:,} bytes")
    shutil.copy(PACKAGE / "LICENSE_FONT", OUTPUT / "LICENSE-OFL.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
