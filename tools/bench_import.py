"""Times the legacy importer (`manage.py import_legacy`) on SQLite, in files a second.

    .venv/bin/python tools/bench_import.py [--files 2000] [--seed 1]

Writes FILES exports of the old site into a temporary directory (Kazakh,
Russian and English, bodies of 2 to 4 KB, most of them dated and signed,
a few copies of a file in a second directory and a few broken files),
migrates a new SQLite database beside them and imports the directory
twice: a first import, then a re-import that updates every article. Each
import runs in a process of its own, which times the command alone, not
Django's start-up. `measure(files)` returns the figures, for tools/bench.py.

The site is run as in production (newsroom.settings, DEBUG off, the cache
in local memory, no edge). Its SQLite file is chosen only by DATABASE_URL
(newsroom/settings.py has no other setting for it), so that is set to a
file in the temporary directory: the development database is never touched.
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 1
# The share of the files that are copies of another (the same export found twice) or broken.
COPIES = 0.01
BROKEN = 0.005
# A body grows by paragraphs until it reaches a size drawn from this range, in bytes.
BODY_BYTES = (2048, 3584)

WORDS = {
    "kk": (
        "үкімет қала жаңа бағдарлама өнім ұлттық шаруашылық мектеп білім денсаулық көлік жол "
        "құрылыс әкімдік тұрғындар жоба қаржы салық өңір ауыл су жер елорда басшы кездесу "
        "мәселе шешім қабылдады жариялады бекітті талқылады жыл ай мың теңге компания "
        "инвестиция экспорт астық мұнай депутаттар министрлік жұмыс орын"
    ).split(),
    "ru": (
        "правительство город новый программа продукция национальный хозяйство школа "
        "образование здравоохранение транспорт дорога строительство акимат жители проект "
        "финансы налог регион село вода земля столица руководитель встреча вопрос решение "
        "приняло объявило утвердило обсудили год месяц тысяч тенге компания инвестиции "
        "экспорт зерно нефть депутаты министерство работа место"
    ).split(),
    "en": (
        "government city new programme output national farming school education health "
        "transport road construction akimat residents project finance tax region village "
        "water land capital head meeting question decision adopted announced approved "
        "discussed year month thousand tenge company investment export grain oil deputies "
        "ministry work place"
    ).split(),
}
AUTHORS = {
    "kk": ["Айгерим Садықова", "Данияр Омаров", "Әсел Нұрланқызы", "Ерлан Қасымов"],
    "ru": ["Айгерим Садыкова", "Данияр Омаров", "Ольга Ким", "Сергей Волков"],
    "en": ["Aigerim Sadykova", "Daniyar Omarov", "Olga Kim", "Sergei Volkov"],
}
LATEST_NEWS = {"kk": "Соңғы жаңалықтар", "ru": "Последние новости", "en": "Latest news"}
BROKEN_TEXTS = [
    b"",
    "Тек тақырып\n".encode(),
    "Заголовок\n\n31.02.2020 10:00\nNone\nТекст.\n".encode(),
    "Café society\n\nNone\nNone\nA crème brûlée.\n".encode("latin-1"),
]


def sentence(rng: random.Random, language: str) -> str:
    words = rng.choices(WORDS[language], k=rng.randint(6, 14))
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, language: str) -> str:
    """Paragraphs of a few sentences, about BODY_BYTES long in UTF-8."""
    target = rng.randint(*BODY_BYTES)
    paragraphs, length = [], 0
    while length < target:
        paragraph = " ".join(sentence(rng, language) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        length += len(paragraph.encode()) + 2
    return "\n\n".join(paragraphs)


def legacy_text(rng: random.Random, number: int) -> str:
    """One export: title, blank line, date and author lines (in either order), the body."""
    language = rng.choice(["kk", "kk", "ru", "en"])
    title = f"{sentence(rng, language)[:-1]} {number}"
    moment = datetime(2015, 1, 1) + timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
    date = rng.choice(
        [
            "None",
            moment.strftime("%d.%m.%Y %H:%M"),
            moment.strftime("%Y-%m-%d %H:%M"),
            moment.strftime("%Y-%m-%dT%H:%M:00+05:00"),
            moment.strftime("%d.%m.%Y %H:%M"),
        ]
    )
    author = rng.choice([*AUTHORS[language], "None"])
    metadata = [date, author] if rng.random() < 0.8 else [author, date]
    ending = f"\n\n{LATEST_NEWS[language]}" if rng.random() < 0.5 else ""
    return f"{title}\n\n{metadata[0]}\n{metadata[1]}\n{body(rng, language)}{ending}\n"


def write_exports(directory: Path, files: int, seed: int = SEED) -> None:
    """`files` exports in `directory`/exports: originals, copies of a few, a few broken files."""
    rng = random.Random(seed)
    copies = max(3, round(files * COPIES))
    broken = max(3, round(files * BROKEN))
    exports = directory / "exports"
    (exports / "copies").mkdir(parents=True)
    originals = []
    for number in range(files - copies - broken):
        path = exports / f"{number // 100:03}" / f"{number:06}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(legacy_text(rng, number), encoding="utf-8")
        originals.append(path)
    for number, original in enumerate(rng.sample(originals, copies)):
        (exports / "copies" / f"copy-{number}.txt").write_bytes(original.read_bytes())
    for number in range(broken):
        (exports / f"broken-{number}.txt").write_bytes(BROKEN_TEXTS[number % len(BROKEN_TEXTS)])


def environment(directory: Path) -> dict[str, str]:
    """The site's settings, with its SQLite database in `directory`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "EDGE_CACHE_URLS")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(32),
        DATABASE_URL=f"sqlite:///{directory / 'bench.sqlite3'}",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def timed_import(exports: Path, env: dict[str, str]) -> dict:
    """Import `exports` in a process of its own: its seconds and its summary line."""
    run = subprocess.run(
        [sys.executable, __file__, "--time-import", str(exports)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.splitlines()[-1])


def measure(files: int, seed: int = SEED) -> dict:
    """Files a second of a first import of `files` exports into a new database, and a re-import."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as temporary:
        directory = Path(temporary)
        write_exports(directory, files, seed)
        env = environment(directory)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        figures = {"files": files}
        for run in ("first", "again"):
            result = timed_import(directory / "exports", env)
            figures[run] = {
                "seconds": round(result["seconds"], 2),
                "files_per_second": round(files / result["seconds"], 1),
                "summary": result["summary"],
            }
        return figures


def time_import(exports: Path) -> None:
    """(In the timed process.) Import `exports` once and print its seconds and summary as JSON."""
    import django

    django.setup()
    from django.core.management import CommandError, call_command

    with open(os.devnull, "w") as quiet:
        started = time.perf_counter()
        try:
            call_command("import_legacy", str(exports), stdout=quiet, stderr=quiet)
            summary = "no file failed"
        except CommandError as failed:  # the broken files
            summary = str(failed)
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "summary": summary}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--time-import", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.time_import:
        time_import(options.time_import)
        return
    figures = measure(options.files, options.seed)
    for run, label in (("first", "first import"), ("again", "re-import")):
        result = figures[run]
        print(
            f"{label}: {options.files} files in {result['seconds']} s, "
            f"{result['files_per_second']} files/s ({result['summary']})"
        )


if __name__ == "__main__":
    main()
