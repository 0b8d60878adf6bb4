"""A generated archive of an agency's articles, for benchmarks (`manage.py generate_archive`).

Years of news in Kazakh, Russian and English, added with bulk_create in
batches of BATCH_SIZE, each in a transaction. bulk_create skips
Article.save(): each article gets what a save derives from the same
derive() (articles/models/derivation.py), with a made-up history (each
language's go-live and text-change times, the edit version) instead of
"now"; slugs are also made unique per language among all articles. Once a
batch is stored, complete() puts back its creation and update times
(bulk_create leaves "now") and writes its search vectors and related
articles as a save does.

The text is nonsense that reads like news: sentences drawn from a vocabulary
of real and made-up words with Zipf frequencies, so that a search index sees
common and rare words as it would in real text. The same seed on the same
database makes the same archive, ending at the moment it is generated.
"""

import io
import itertools
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from PIL import Image, ImageDraw
from slugify import smart_truncate

from articles.caching import edge, generation
from articles.editions.languages import localized
from articles.editions.scripts import fill_variants
from articles.editions.slugs import MAX_SLUG_LENGTH, make_slug
from articles.models import Article, Author, Byline, Category, Tag, relate
from articles.models import Image as Picture
from articles.models.bulk import update_from_values
from articles.models.derivation import derive
from articles.search import write_vectors

BATCH_SIZE = 2_000
# From this many articles on (on PostgreSQL), the table's GIN indexes (full text, trigrams)
# are dropped while the articles go in and built once at the end: keeping them up to date
# row by row cost a fifth to a third of the time (20,000 articles: 88 s against 67).
DEFERRED_INDEXES_FROM = 50_000
YEARS = 8
AUTHORS = 300
TAGS = 800
COVERS = 6
COVER_CREDIT = "Newsroom archive"
COVER_SIZE = (640, 360)

MINUTE, HOUR, DAY = 60, 3_600, 86_400

# Which languages an article is written in, and how often (per cent).
LANGUAGE_SETS = {("kk", "ru", "en"): 65, ("kk", "ru"): 20, ("ru",): 7, ("kk",): 5, ("en",): 3}
# Which of them the story was written in first.
ORIGINAL_WEIGHTS = {"kk": 4, "ru": 5, "en": 1}

LIVE, DRAFT, REVIEW, WITHDRAWN, SCHEDULED = "live", "draft", "review", "withdrawn", "scheduled"
STATUSES = {
    LIVE: Article.Status.PUBLISHED,
    SCHEDULED: Article.Status.PUBLISHED,
    DRAFT: Article.Status.DRAFT,
    REVIEW: Article.Status.REVIEW,
    WITHDRAWN: Article.Status.WITHDRAWN,
}
# The articles readers must not see, as shares of the archive (3 % together).
HIDDEN_SHARES = {DRAFT: 0.01, REVIEW: 0.005, WITHDRAWN: 0.01, SCHEDULED: 0.005}
FEATURED_SHARE = 0.02
REVISED_SHARE = 0.03
COVER_SHARE = 0.35
DATELINE_SHARE = 0.5
NO_LEAD_SHARE = 0.05

# Stories go live in working hours, in the newsroom's time zone.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 12, 13, 14, 14, 13, 12, 10, 8, 6, 4, 2, 1]
BYLINE_WEIGHTS = {1: 3, 2: 1}
TAG_WEIGHTS = {0: 10, 1: 15, 2: 25, 3: 25, 4: 15, 5: 10}
BODY_BYTES = (1_500, 7_500)  # UTF-8; the last paragraph may run a few hundred bytes over
PARAGRAPH_SENTENCES = (1, 2, 2, 3, 3, 4)
VOCABULARY_SIZE = 4_000
SOURCES = {"": 80, "Kazinform": 12, "Reuters": 3, "AP": 2, "Xinhua": 2, "Anadolu": 1}

# (kk, ru, en) everywhere below.
WRITTEN = ("kk", "ru", "en")

CATEGORIES = [
    ("Саясат", "Политика", "Politics"),
    ("Экономика", "Экономика", "Economy"),
    ("Қоғам", "Общество", "Society"),
    ("Аймақтар", "Регионы", "Regions"),
    ("Әлем", "В мире", "World"),
    ("Бизнес", "Бизнес", "Business"),
    ("Ғылым мен технология", "Наука и технологии", "Science and technology"),
    ("Денсаулық", "Здоровье", "Health"),
    ("Білім", "Образование", "Education"),
    ("Оқиғалар", "Происшествия", "Incidents"),
    ("Спорт", "Спорт", "Sport"),
    ("Мәдениет", "Культура", "Culture"),
]

PLACES = [
    ("Астана", "Астана", "Astana"),
    ("Алматы", "Алматы", "Almaty"),
    ("Шымкент", "Шымкент", "Shymkent"),
    ("Ақтөбе", "Актобе", "Aktobe"),
    ("Қарағанды", "Караганда", "Karaganda"),
    ("Тараз", "Тараз", "Taraz"),
    ("Павлодар", "Павлодар", "Pavlodar"),
    ("Өскемен", "Усть-Каменогорск", "Oskemen"),
    ("Семей", "Семей", "Semey"),
    ("Атырау", "Атырау", "Atyrau"),
    ("Қостанай", "Костанай", "Kostanay"),
    ("Қызылорда", "Кызылорда", "Kyzylorda"),
    ("Орал", "Уральск", "Oral"),
    ("Петропавл", "Петропавловск", "Petropavl"),
    ("Ақтау", "Актау", "Aktau"),
    ("Түркістан", "Туркестан", "Turkistan"),
    ("Көкшетау", "Кокшетау", "Kokshetau"),
    ("Талдықорған", "Талдыкорган", "Taldykorgan"),
    ("Жезқазған", "Жезказган", "Zhezkazgan"),
    ("Екібастұз", "Экибастуз", "Ekibastuz"),
]

TOPICS = [
    ("білім", "образование", "education"),
    ("денсаулық", "здравоохранение", "healthcare"),
    ("экология", "экология", "ecology"),
    ("инфляция", "инфляция", "inflation"),
    ("бюджет", "бюджет", "budget"),
    ("инвестиция", "инвестиции", "investment"),
    ("құрылыс", "строительство", "construction"),
    ("көлік", "транспорт", "transport"),
    ("ауыл шаруашылығы", "сельское хозяйство", "agriculture"),
    ("цифрландыру", "цифровизация", "digitalisation"),
    ("футбол", "футбол", "football"),
    ("бокс", "бокс", "boxing"),
    ("шахмат", "шахматы", "chess"),
    ("театр", "театр", "theatre"),
    ("кино", "кино", "cinema"),
    ("туризм", "туризм", "tourism"),
    ("энергетика", "энергетика", "energy"),
    ("су ресурстары", "водные ресурсы", "water resources"),
    ("жастар саясаты", "молодежная политика", "youth policy"),
    ("зейнетақы", "пенсии", "pensions"),
    ("тұрғын үй", "жилье", "housing"),
    ("сайлау", "выборы", "elections"),
    ("сот", "суд", "courts"),
    ("қауіпсіздік", "безопасность", "security"),
    ("ғылым", "наука", "science"),
    ("ғарыш", "космос", "space"),
    ("мұнай", "нефть", "oil"),
    ("теміржол", "железная дорога", "railways"),
    ("әуе қатынасы", "авиасообщение", "air travel"),
    ("ауа райы", "погода", "weather"),
    ("су тасқыны", "паводок", "floods"),
    ("өрт", "пожары", "wildfires"),
    ("вакцинация", "вакцинация", "vaccination"),
    ("мектептер", "школы", "schools"),
    ("кәсіпкерлік", "предпринимательство", "small business"),
    ("экспорт", "экспорт", "exports"),
    ("салықтар", "налоги", "taxes"),
    ("банктер", "банки", "banks"),
    ("мәдени мұра", "культурное наследие", "heritage"),
    ("дипломатия", "дипломатия", "diplomacy"),
]

FIRST_NAMES = [
    ("Ерлан", "Ерлан", "Yerlan"),
    ("Данияр", "Данияр", "Daniyar"),
    ("Асхат", "Асхат", "Askhat"),
    ("Нұрлан", "Нурлан", "Nurlan"),
    ("Қайрат", "Кайрат", "Kairat"),
    ("Бауыржан", "Бауыржан", "Baurzhan"),
    ("Ғалым", "Галым", "Galym"),
    ("Мұрат", "Мурат", "Murat"),
    ("Әділет", "Адилет", "Adilet"),
    ("Арман", "Арман", "Arman"),
    ("Жандос", "Жандос", "Zhandos"),
    ("Серік", "Серик", "Serik"),
    ("Дәурен", "Даурен", "Dauren"),
    ("Олжас", "Олжас", "Olzhas"),
    ("Ілияс", "Ильяс", "Ilyas"),
    ("Алексей", "Алексей", "Alexei"),
    ("Дмитрий", "Дмитрий", "Dmitry"),
]
FEMALE_FIRST_NAMES = [
    ("Әйгерім", "Айгерим", "Aigerim"),
    ("Гүлнара", "Гульнара", "Gulnara"),
    ("Мадина", "Мадина", "Madina"),
    ("Жанар", "Жанар", "Zhanar"),
    ("Әсел", "Асель", "Assel"),
    ("Динара", "Динара", "Dinara"),
    ("Салтанат", "Салтанат", "Saltanat"),
    ("Айнұр", "Айнур", "Ainur"),
    ("Ботагөз", "Ботагоз", "Botagoz"),
    ("Жұлдыз", "Жулдыз", "Zhuldyz"),
    ("Мөлдір", "Молдир", "Moldir"),
    ("Ләззат", "Ляззат", "Lyazzat"),
    ("Анна", "Анна", "Anna"),
    ("Ольга", "Ольга", "Olga"),
]
SURNAMES = [
    ("Сәрсенбаев", "Сарсенбаев", "Sarsenbayev"),
    ("Қасымов", "Касымов", "Kassymov"),
    ("Омаров", "Омаров", "Omarov"),
    ("Әбдірахманов", "Абдрахманов", "Abdrakhmanov"),
    ("Жұмабаев", "Жумабаев", "Zhumabayev"),
    ("Нұрғалиев", "Нургалиев", "Nurgaliyev"),
    ("Бекмұхамедов", "Бекмухамедов", "Bekmukhamedov"),
    ("Серікбаев", "Серикбаев", "Serikbayev"),
    ("Ахметов", "Ахметов", "Akhmetov"),
    ("Мұқанов", "Муканов", "Mukanov"),
    ("Есенов", "Есенов", "Yessenov"),
    ("Қалиев", "Калиев", "Kaliyev"),
    ("Сейітов", "Сеитов", "Seitov"),
    ("Жақсылықов", "Жаксылыков", "Zhaksylykov"),
    ("Оспанов", "Оспанов", "Ospanov"),
    ("Құдайбергенов", "Кудайбергенов", "Kudaibergenov"),
    ("Шәкенов", "Шакенов", "Shakenov"),
    ("Әлімжанов", "Алимжанов", "Alimzhanov"),
    ("Темірханов", "Темирханов", "Temirkhanov"),
    ("Ковалев", "Ковалёв", "Kovalev"),
    ("Смирнов", "Смирнов", "Smirnov"),
    ("Ким", "Ким", "Kim"),
]
BIOS = [
    ("Тілші.", "Корреспондент.", "Correspondent."),
    ("Шолушы.", "Обозреватель.", "Columnist."),
    ("Редактор.", "Редактор.", "Editor."),
    ("Фототілші.", "Фотокорреспондент.", "Photographer."),
    (
        "Аймақтардағы меншікті тілші.",
        "Собственный корреспондент в регионах.",
        "Regional correspondent.",
    ),
]
COVER_CAPTIONS = ("{} көшелері", "Улицы города {}", "The streets of {}")
COVER_COLOURS = ["#0b3d91", "#00695c", "#8e24aa", "#e65100", "#ad1457", "#37474f"]
CORRECTIONS = (
    "Түзету: мақаладағы {} жылғы деректер нақтыланды.",
    "Исправление: уточнены данные за {} год.",
    "Correction: the figures for {} have been corrected.",
)
WITHDRAWAL_REASONS = {
    "kk": ["Қате дерек жарияланды.", "Материал қайталанды.", "Сот шешімі бойынша алынды."],
    "ru": ["Ошибка в фактах.", "Дубль материала.", "Снято по решению суда."],
    "en": ["Factual error.", "Duplicate of another story.", "Removed by court order."],
}

# Per language: frequent words, news words (both real), and what made-up words are made of.
WORDS = {
    "kk": {
        "common": """және мен бен пен да де бұл осы сол үшін туралы бойынша арқылы кейін дейін
            бері соң жыл жылы күні сондай-ақ алайда қазір биыл тағы барлық көптеген бірнеше
            шамамен пайыз млн млрд теңге""",
        "news": """үкімет министрлік парламент сенат мәжіліс әкімдік облыс аудан қала ауыл
            елорда мемлекет халық азамат тұрғындар жастар мұғалім дәрігер оқушы студент
            кәсіпкер фермер депутат министр әкім басшы маман сарапшы жоба бағдарлама жоспар
            заң шешім қаулы келісім бюджет қаржы инвестиция несие салық баға нарық өндіріс
            өнеркәсіп кәсіпорын зауыт құрылыс жол көпір көлік теміржол әуежай аялдама мектеп
            университет аурухана емхана білім ғылым денсаулық мәдениет театр музей кітап
            өнер спорт жарыс чемпионат турнир жеңіс медаль ойын команда су жер егін астық мал
            экология орман өзен көл ауа жылу газ электр энергия цифрлық технология интернет
            байланыс қауіпсіздік сот прокуратура полиция тексеру есеп нәтиже көрсеткіш өсім
            даму реформа қолдау көмек жұмыс еңбек жалақы зейнетақы әлеуметтік халықаралық
            ұлттық жергілікті жаңа үлкен маңызды негізгі бірінші соңғы өткен келесі арнайы
            толық қосымша саяхат тәжірибе дүниежүзілік өтті болды жасалды ашылды мақұлданды
            қабылданды таныстырылды жариялады мәлімдеді айтты хабарлады тапсырды қарады
            талқылады бөлінді салынды жөнделді басталды аяқталды жоспарланған көзделген
            артты төмендеді""",
        "syllables": """ба бе бо бұ бі да де ды ді жа же жұ жі за зе қа қо құ қы ке кі ла ле лы
            лі ма ме мұ мү на не ны ні са се сы сі та те ты ті тұ тү ша ше ғы ға ғұ ра ре ры
            рі ар ер ан ен ас ес ай ей ақ ек ал ел ат ет ор өр ұл үл іс ық ік ың ің жә мә нә
            сә тә бө кө тө сө ая""",
        "endings": """лар лер дар дер тар тер ның нің дың дің тың тің ға ге қа ке да де та те
            дағы дегі лық лік шы ші ды ді ты ті ған ген қан кен ын ін""",
    },
    "ru": {
        "common": """и в на с по для о что как это из к от до не при также уже более около
            после года году млн млрд тенге процентов""",
        "news": """правительство министерство парламент сенат мажилис акимат область район
            город село столица государство население граждане жители молодежь учителя врачи
            школьники студенты предприниматели фермеры депутаты министр аким руководитель
            специалисты эксперты проект программа план закон решение постановление
            соглашение бюджет финансы инвестиции кредиты налоги цены рынок производство
            промышленность предприятие завод строительство дорога мост транспорт железная
            аэропорт школа университет больница поликлиника образование наука
            здравоохранение культура театр музей книга искусство спорт соревнования
            чемпионат турнир победа медаль игра команда вода земля урожай зерно скот
            экология лес река озеро воздух тепло газ электроэнергия цифровой технологии
            интернет связь безопасность суд прокуратура полиция проверка отчет результат
            показатель рост развитие реформа поддержка помощь работа труд зарплата пенсия
            социальный международный национальный местный новый крупный важный основной
            первый последний текущий специальный дополнительный прошел состоялось провели
            открыли одобрили приняли представили объявил заявил сообщил отметил
            подчеркнул поручил рассмотрели обсудили выделили построили отремонтировали
            начались завершились планируется предусмотрено выросло снизилось""",
        "syllables": """ба ва га да жа за ка ла ма на па ра са та фа ха ча ша бо во го до зо ко
            ло мо но по ро со то бе ве ге де же зе ке ле ме не пе ре се те би ви ги ди зи ки
            ли ми ни пи ри си ти бу ву ду зу ку лу му ну пу ру су ту про пре при стро сла сто
            тра кра гра вла бла дро""",
        "endings": """ость ание ение ский ская ское ного ному ами ов ей ия ий ой ых ым ать ить
            ал ала или ует ают ка ник ство тель""",
    },
    "en": {
        "common": """the of and to in for on with at by from as is was are were that this it
            its has have will be an a more than about after""",
        "news": """government ministry parliament senate mayor region district city village
            capital state population citizens residents young teachers doctors pupils
            students entrepreneurs farmers deputies minister head specialists experts project
            programme plan law decision resolution agreement budget finance investment loans
            taxes prices market production industry enterprise plant construction road
            bridge transport railway airport school university hospital clinic education
            science healthcare culture theatre museum book art sport competition
            championship tournament victory medal game team water land harvest grain
            livestock ecology forest river lake air heating gas electricity digital
            technology internet communications security court prosecutor police inspection
            report result figure growth development reform support assistance work labour
            wages pension social international national local new major important main first
            last current special additional held opened approved adopted presented announced
            said reported noted stressed instructed discussed allocated built repaired
            started completed planned expected rose fell""",
        "syllables": """ba be bi bo ca ce co da de di do fa fe fi fo ga ge go ha he hi ho la le
            li lo ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va
            ve vi wa we wi bar ber can con den der fel for gan gar har her lan lar man mar mer
            nor par per por ran ren sal sen sil son tar ter ton van ver win bra cre dra fra
            gra pla pre sta stre tra""",
        "endings": "tion ment ing ed er ers ly al ity ness ous ive ance ure able ist",
    },
}


def in_languages(texts: Sequence[str], field_name: str) -> dict[str, str]:
    """{field_kk: ..., field_ru: ..., field_en: ...} from a (kk, ru, en) triple."""
    return {localized(field_name, code): text for code, text in zip(WRITTEN, texts, strict=True)}


def choice_table(counts: dict) -> tuple[list, list[float]]:
    """The keys and cumulative weights of a {choice: weight} table, for random.choices()."""
    return list(counts), list(itertools.accumulate(counts.values()))


def zipf(count: int, exponent: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for `count` choices, the first the most frequent."""
    return list(itertools.accumulate(rank**-exponent for rank in range(1, count + 1)))


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


class Writer:
    """Nonsense that reads like news in one language.

    Bodies and leads are made of a pool of sentences written once (fast);
    titles are written word by word, so that each is its own.
    """

    def __init__(self, language: str, rng: random.Random, sentences: int) -> None:
        self.language = language
        self.rng = rng
        material = WORDS[language]
        common = material["common"].split()
        news = material["news"].split() + [place[WRITTEN.index(language)] for place in PLACES]
        rng.shuffle(news)
        made_up = self.made_up_words(material, VOCABULARY_SIZE - len(common) - len(news))
        self.words = common + news + made_up
        self.word_weights = zipf(len(self.words))
        self.title_words = news + made_up
        self.title_weights = zipf(len(self.title_words))
        self.sentences = [self.sentence() for _ in range(sentences)]
        # Each with the space or markup around it.
        self.sentence_bytes = [len(sentence.encode()) + 1 for sentence in self.sentences]
        self.sentence_average = sum(self.sentence_bytes) / len(self.sentence_bytes)
        self.word_slugs: dict[str, str] = {}

    def made_up_words(self, material: dict[str, str], count: int) -> list[str]:
        syllables, endings = material["syllables"].split(), material["endings"].split()
        known = set(material["common"].split()) | set(material["news"].split())
        words: dict[str, None] = {}  # ordered, for a deterministic vocabulary
        while len(words) < count:
            word = "".join(self.rng.choices(syllables, k=self.rng.randint(1, 3)))
            if self.rng.random() < 0.7:
                word += self.rng.choice(endings)
            if len(word) > 3 and word not in known:
                words[word] = None
        return list(words)

    def sentence(self) -> str:
        rng = self.rng
        words = rng.choices(self.words, cum_weights=self.word_weights, k=rng.randint(6, 18))
        if rng.random() < 0.2:
            words.insert(rng.randrange(1, len(words)), str(rng.randint(2, 2_025)))
        if len(words) > 9 and rng.random() < 0.5:
            words[rng.randrange(3, len(words) - 3)] += ","
        return capitalized(" ".join(words)) + "."

    def title(self, place: str | None) -> tuple[str, str]:
        """5 to 12 words, one of them the place the story is about, if any; and its slug."""
        rng = self.rng
        words = rng.choices(self.title_words, cum_weights=self.title_weights, k=rng.randint(5, 12))
        if place:
            words[rng.randrange(len(words))] = place
        words[0] = capitalized(words[0])
        return " ".join(words), self.slug(words)

    def slug(self, words: list[str]) -> str:
        """make_slug() of the words joined by spaces, from each word's slug (made once).

        A slug is made word by word (a Kazakh letter by its neighbours in the
        word), so the title's slug is its words' slugs, truncated as
        python-slugify truncates.
        """
        slugs = []
        for word in words:
            if word not in self.word_slugs:
                self.word_slugs[word] = make_slug(word, self.language)
            slugs.append(self.word_slugs[word])
        joined = "-".join(slugs)
        return smart_truncate(joined, MAX_SLUG_LENGTH, word_boundary=True, separator="-")

    def lead(self) -> str:
        return " ".join(self.rng.choices(self.sentences, k=self.rng.randint(1, 2)))

    def body(self, size: float, dateline: str | None) -> str:
        """Paragraphs of `size` bytes or a sentence more, the first after the dateline (АСТАНА.)."""
        rng, chosen, length = self.rng, [], 0
        while length < size:
            # Most of the missing length at once, then a sentence at a time.
            wanted = max(1, int((size - length) / self.sentence_average / 1.25))
            for index in rng.choices(range(len(self.sentences)), k=wanted):
                chosen.append(self.sentences[index])
                length += self.sentence_bytes[index]
        if dateline:
            chosen[0] = f"{dateline.upper()}. {chosen[0]}"
        paragraphs, start = [], 0
        for count in rng.choices(PARAGRAPH_SENTENCES, k=len(chosen)):
            if start >= len(chosen):
                break
            paragraphs.append(f"<p>{' '.join(chosen[start : start + count])}</p>")
            start += count
        return "\n".join(paragraphs)


@dataclass
class Draft:
    """An article ready for bulk_create, with what is stored beside it."""

    article: Article
    languages: tuple[str, ...]
    state: str
    author_ids: list[int]
    tag_ids: list[int]
    created_at: datetime
    updated_at: datetime


@dataclass
class ArchiveSummary:
    seed: int
    articles: int = 0
    bylines: int = 0
    tags: int = 0
    languages: Counter = field(default_factory=Counter)
    states: Counter = field(default_factory=Counter)

    def add(self, drafts: list["Draft"]) -> None:
        self.articles += len(drafts)
        self.bylines += sum(len(draft.author_ids) for draft in drafts)
        self.tags += sum(len(draft.tag_ids) for draft in drafts)
        self.languages.update(draft.languages for draft in drafts)
        self.states.update(draft.state for draft in drafts)


class Archive:
    """Generates articles into the database, drawn from the seed."""

    def __init__(self, count: int, seed: int, now: datetime | None = None) -> None:
        if count < 1:
            raise ValueError("An archive has at least one article.")
        self.count = count
        self.seed = seed
        self.rng = random.Random(seed)
        # Authors and tags come from a stream of their own, so that the articles
        # a seed makes do not depend on whether the newsroom was there before.
        self.newsroom_rng = random.Random(f"{seed}:newsroom")
        self.now = now or timezone.now()
        self.language_sets, self.language_set_weights = choice_table(LANGUAGE_SETS)
        self.sources, self.source_weights = choice_table(SOURCES)
        self.byline_counts, self.byline_weights = choice_table(BYLINE_WEIGHTS)
        self.tag_counts, self.tag_weights = choice_table(TAG_WEIGHTS)
        # Articles are made from every column's value, in order: a keyword argument
        # costs modeltranslation a lookup, a default left to Model.__init__ a
        # language switch.
        self.columns = Article._meta.concrete_fields
        self.defaults = {
            field.attname: field.get_default()
            for field in self.columns
            if not field.primary_key and not (field.has_default() and callable(field.default))
        }
        # Enough sentences that bodies seldom share one, few enough to write them quickly.
        pool = min(60_000, max(2_000, count * 3))
        self.writers = {code: Writer(code, self.rng, pool) for code in WRITTEN}

    def generate(
        self,
        batch_size: int = BATCH_SIZE,
        progress: Callable[[int, int], None] | None = None,
    ) -> ArchiveSummary:
        """Insert the articles, batch by batch, each in a transaction of its own."""
        # Base columns (title, slug...) hold the default language, as after a save.
        with translation.override(settings.LANGUAGE_CODE):
            self.prepare()
            with gin_indexes_built_after(self.count >= DEFERRED_INDEXES_FROM):
                summary = self.insert_batches(batch_size, progress)
        # Once all are in, so that older articles list the newer ones like them too.
        relate(Article.objects.values_list("pk", flat=True).iterator(batch_size))
        # Bulk inserts send no signals: every page is made anew, here and at the edge.
        generation.bump()
        edge.purge_everything()
        return summary

    def prepare(self) -> None:
        """What articles are drawn from: categories, authors, tags, covers, go-live times."""
        self.categories = self.ensure_categories()
        self.category_weights = zipf(len(self.categories), 0.6)
        self.authors = self.ensure_authors()
        self.author_weights = zipf(len(self.authors), 0.5)
        self.tags = self.ensure_tags()
        self.tag_popularity = zipf(len(self.tags), 0.8)
        self.covers = self.ensure_covers()
        self.start, self.slots = self.timeline()
        self.hidden = self.hidden_states()

    def insert_batches(
        self, batch_size: int, progress: Callable[[int, int], None] | None
    ) -> ArchiveSummary:
        """Write and insert the articles, a batch at a time, three things at once.

        While a batch is inserted, the next one is written (no database needed)
        and, on PostgreSQL, another connection completes the one before
        (complete(), the costliest part). Inside a caller's transaction (as in
        tests), which another connection cannot see into, each batch is
        completed in the transaction that inserts it.
        """
        summary = ArchiveSummary(seed=self.seed)
        apart = connection.vendor == "postgresql" and not connection.in_atomic_block
        with (
            ThreadPoolExecutor(max_workers=1) as writer,
            ThreadPoolExecutor(max_workers=1) as completer,
        ):
            upcoming, completing = writer.submit(self.batch, 0, batch_size), None
            try:
                for first in range(0, self.count, batch_size):
                    drafts = upcoming.result()
                    if first + batch_size < self.count:
                        upcoming = writer.submit(self.batch, first + batch_size, batch_size)
                    insert(drafts, complete_now=not apart)
                    if completing:
                        completing.result()
                    if apart:
                        completing = completer.submit(complete_apart, drafts)
                    summary.add(drafts)
                    if progress:
                        progress(summary.articles, self.count)
                if completing:
                    completing.result()
            finally:
                completer.submit(connections.close_all)
        return summary

    def batch(self, first: int, size: int) -> list[Draft]:
        """The drafts of articles first to first + size (the oldest come first)."""
        return [
            self.draft(
                self.start + timedelta(seconds=self.slots[index]), self.hidden.get(index, LIVE)
            )
            for index in range(first, min(first + size, self.count))
        ]

    def ensure_categories(self) -> list[int]:
        """The existing categories, with those of CATEGORIES they lack, up to a dozen."""
        existing = {
            (name or "").casefold() for name in Category.objects.values_list("name_en", flat=True)
        }
        missing = [names for names in CATEGORIES if names[2].casefold() not in existing]
        for names in missing[: max(0, len(CATEGORIES) - Category.objects.count())]:
            Category(**in_languages(names, "name"), position=CATEGORIES.index(names) + 1).save()
        return list(Category.objects.order_by("position", "id").values_list("id", flat=True))

    def ensure_authors(self) -> list[int]:
        """The existing authors, topped up to AUTHORS with made-up reporters."""
        missing = AUTHORS - Author.objects.count()
        if missing > 0:
            names = [
                (first, surname) for first, surname in itertools.product(FIRST_NAMES, SURNAMES)
            ] + [
                (first, tuple(map(female_surname, surname)))
                for first, surname in itertools.product(FEMALE_FIRST_NAMES, SURNAMES)
            ]
            authors = []
            for first, surname in self.newsroom_rng.sample(names, min(missing, len(names))):
                full = tuple(f"{a} {b}" for a, b in zip(first, surname, strict=True))
                bio = (
                    self.newsroom_rng.choice(BIOS)
                    if self.newsroom_rng.random() < 0.6
                    else ("", "", "")
                )
                authors.append(
                    Author(
                        **in_languages(full, "name"),
                        **in_languages(bio, "bio"),
                        is_active=self.newsroom_rng.random() > 0.1,
                    )
                )
            create_named(Author, authors, converted=("name", "bio"))
        return self.shuffled(Author.objects.values_list("id", flat=True))

    def ensure_tags(self) -> list[int]:
        """The existing tags, topped up to TAGS: topics, places, and topics per place or year."""
        missing = TAGS - Tag.objects.count()
        if missing > 0:
            years = range(self.now.year - YEARS, self.now.year + 1)
            combined = [
                tuple(f"{p}: {t}" for p, t in zip(place, topic, strict=True))
                for place, topic in itertools.product(PLACES, TOPICS)
            ] + [
                tuple(f"{t} {year}" for t in topic)
                for topic, year in itertools.product(TOPICS, years)
            ]
            self.newsroom_rng.shuffle(combined)
            names = (TOPICS + PLACES + combined)[:missing]
            create_named(Tag, [Tag(**in_languages(name, "name")) for name in names], ("name",))
        return self.shuffled(Tag.objects.values_list("id", flat=True))

    def ensure_covers(self) -> list[int]:
        """A handful of cover pictures, drawn once and shared by every generated archive."""
        made = Picture.objects.filter(credit=COVER_CREDIT).count()
        for index in range(made, COVERS):
            place = PLACES[index]
            captions = [c.format(p) for c, p in zip(COVER_CAPTIONS, place, strict=True)]
            picture = Picture(
                credit=COVER_CREDIT,
                **in_languages(captions, "caption"),
                **in_languages(captions, "alt"),
            )
            picture.file.save(f"archive-{index + 1}.jpg", draw_cover(index), save=False)
            picture.save()
        return list(
            Picture.objects.filter(credit=COVER_CREDIT).order_by("id").values_list("id", flat=True)
        )

    def shuffled(self, ids: QuerySet) -> list[int]:
        """`ids` in an order drawn from the seed: who is prolific, which tag is popular."""
        ids = sorted(ids)
        self.newsroom_rng.shuffle(ids)
        return ids

    def timeline(self) -> tuple[datetime, list[int]]:
        """The original go-live times, oldest first, over YEARS years up to a few minutes ago.

        As a start and offsets in seconds: wall-clock time in the newsroom's zone.
        """
        zone = timezone.get_default_timezone()
        today = timezone.localtime(self.now, zone).date()
        start = datetime.combine(today - timedelta(days=YEARS * 365), time(), tzinfo=zone)
        latest = int((self.now - start).total_seconds()) - 10 * MINUTE
        days = (latest // DAY) + 1
        hours = self.rng.choices(
            range(24), cum_weights=list(itertools.accumulate(HOUR_WEIGHTS)), k=self.count
        )
        seconds = []
        for hour in hours:
            second = self.rng.randrange(days) * DAY + hour * HOUR + self.rng.randrange(HOUR)
            seconds.append(second if second <= latest else second - DAY)
        return start, sorted(seconds)

    def hidden_states(self) -> dict[int, str]:
        """Which articles are drafts, in review, withdrawn or scheduled: their exact shares."""
        states = [
            state
            for state, share in HIDDEN_SHARES.items()
            for _ in range(math.ceil(share * self.count))
        ][: self.count]
        return dict(zip(self.rng.sample(range(self.count), len(states)), states, strict=True))

    def draft(self, slot: datetime, state: str) -> Draft:
        """One article: its text in its languages, its times, bylines and tags."""
        rng, now = self.rng, self.now
        languages = rng.choices(self.language_sets, cum_weights=self.language_set_weights)[0]
        original = rng.choices(languages, weights=[ORIGINAL_WEIGHTS[c] for c in languages])[0]
        translations = [code for code in languages if code != original]
        rng.shuffle(translations)

        # Written before it went live; translations written and put live after the original.
        if state == SCHEDULED:
            go_live = now + timedelta(seconds=rng.uniform(HOUR, 10 * DAY))
            written = now - timedelta(seconds=rng.uniform(HOUR, 3 * DAY))
        else:
            go_live = slot
            written = slot - timedelta(seconds=rng.uniform(10 * MINUTE, 3 * HOUR))
        live_at, text_at = {original: go_live}, {original: written}
        for code in translations:
            delay = min(rng.expovariate(1 / (3 * HOUR)), 3 * DAY) + 5 * MINUTE
            live_at[code] = go_live + timedelta(seconds=delay)
            if state != SCHEDULED:
                live_at[code] = min(live_at[code], now - timedelta(minutes=1))
            text_at[code] = written + (min(live_at[code], now) - written) * rng.uniform(0.5, 1)
        if state in (DRAFT, REVIEW):
            live_at = {}
        saves = [*text_at.values(), *live_at.values()]

        fields = {
            "status": STATUSES[state],
            "original_language": original,
            "category_id": rng.choices(self.categories, cum_weights=self.category_weights)[0],
            "source": rng.choices(self.sources, cum_weights=self.source_weights)[0],
            "featured": state == LIVE and rng.random() < FEATURED_SHARE,
        }
        if self.covers and rng.random() < COVER_SHARE:
            fields["cover_image_id"] = rng.choice(self.covers)
        place = rng.choice(PLACES) if rng.random() < 0.6 else None
        dateline = rng.random() < DATELINE_SHARE
        size = rng.lognormvariate(math.log(3_000), 0.5)
        has_lead = rng.random() >= NO_LEAD_SHARE
        for code in WRITTEN:
            if code not in languages:
                # What save() stores for a language the article is not written in.
                fields[localized("body", code)] = fields[localized("slug", code)] = ""
                continue
            writer, name = self.writers[code], place[WRITTEN.index(code)] if place else None
            title, slug = writer.title(name)
            lead = writer.lead() if has_lead else ""
            body_size = min(max(size * rng.uniform(0.85, 1.15), BODY_BYTES[0]), BODY_BYTES[1])
            body = writer.body(body_size, name if dateline else None)
            fields[localized("title", code)] = title
            fields[localized("slug", code)] = slug
            fields[localized("lead", code)] = lead
            fields[localized("body", code)] = body
            fields[localized("text_changed_at", code)] = text_at[code]
            fields[localized("published_at", code)] = live_at.get(code)

        if state == LIVE and rng.random() < REVISED_SHARE:
            revised = max(live_at.values()) + timedelta(seconds=rng.uniform(HOUR, 30 * DAY))
            if revised < now:
                saves.append(revised)
                year = str(rng.randint(slot.year - 1, slot.year))
                with_correction = rng.random() < 0.5
                for code in languages:
                    fields[localized("text_changed_at", code)] = revised
                    fields[localized("revised_at", code)] = revised
                    if with_correction:
                        correction = CORRECTIONS[WRITTEN.index(code)].format(year)
                        fields[localized("correction", code)] = correction
        if state == WITHDRAWN:
            withdrawn = max(live_at.values()) + timedelta(seconds=rng.uniform(HOUR, 5 * DAY))
            saves.append(min(withdrawn, now))
            fields["withdrawal_reason"] = rng.choice(WITHDRAWAL_REASONS[original])

        # Each of those moments was a save; the first one created the article.
        past = [moment for moment in saves if moment <= now]
        fields["edit_version"] = len(past)
        return Draft(
            article=self.article(fields),
            languages=languages,
            state=state,
            author_ids=self.pick(
                self.authors, self.author_weights, self.byline_counts, self.byline_weights
            ),
            tag_ids=self.pick(self.tags, self.tag_popularity, self.tag_counts, self.tag_weights),
            created_at=written,
            updated_at=max(past),
        )

    def article(self, fields: dict) -> Article:
        """An Article with these fields, every other column's default, and what a save derives."""
        values = self.defaults | fields
        article = Article(
            *(
                values[field.attname] if field.attname in values else field.get_default()
                for field in self.columns
            )
        )
        # Its history (change times, versions) is made up above, not stamped now.
        derive(article, history=False)
        return article

    def pick(
        self, ids: list[int], popularity: list[float], counts: list[int], count_weights: list[float]
    ) -> list[int]:
        """A few different ids, the popular ones more often."""
        if not ids:
            return []
        wanted = self.rng.choices(counts, cum_weights=count_weights)[0]
        picked = self.rng.choices(ids, cum_weights=popularity, k=wanted)
        return list(dict.fromkeys(picked))


def female_surname(surname: str) -> str:
    """Омаров -> Омарова, Omarov -> Omarova; Ким stays Ким."""
    return (
        surname + "а"
        if surname.endswith(("ов", "ев", "ёв"))
        else (surname + "a" if surname.endswith(("ov", "ev")) else surname)
    )


def draw_cover(index: int) -> ContentFile:
    """A small JPEG: a gradient from one of COVER_COLOURS to white, with a few circles."""
    colour = COVER_COLOURS[index % len(COVER_COLOURS)]
    mask = Image.linear_gradient("L").rotate(90).resize(COVER_SIZE)
    image = Image.composite(
        Image.new("RGB", COVER_SIZE, colour), Image.new("RGB", COVER_SIZE, "white"), mask
    )
    draw = ImageDraw.Draw(image)
    width, height = COVER_SIZE
    for circle in range(4):
        x, y = (index + 1) * (circle + 3) * 97 % width, (index + 2) * (circle + 5) * 53 % height
        radius = 30 + (index + 1) * (circle + 1) * 17 % 90
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline="white", width=4)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return ContentFile(buffer.getvalue())


def create_named(model, instances: list, converted: tuple[str, ...]) -> None:
    """bulk_create for categories, authors and tags, with what NamedPage.save() would fill."""
    for code in WRITTEN:
        slug_field = localized("slug", code)
        slugs = [
            make_slug(getattr(instance, localized("name", code)), code) for instance in instances
        ]
        for instance, slug in zip(
            instances, unique_slugs(model.objects.all(), slug_field, slugs), strict=True
        ):
            setattr(instance, slug_field, slug)
    for instance in instances:
        fill_variants(instance, converted=converted, copied=("slug",))
    model.objects.bulk_create(instances, batch_size=BATCH_SIZE)


def unique_slugs(rows: QuerySet, slug_field: str, slugs: list[str]) -> list[str]:
    """Each slug, or slug-2, slug-3... whichever neither `rows` nor an earlier one in the list uses.

    The same rule as slugs.unique_slug(), for a whole batch in a few queries.
    """
    result = list(slugs)
    pending = [index for index, slug in enumerate(slugs) if slug]
    claimed: set[str] = set()
    number = 1
    while pending:
        candidates = {result[index] for index in pending}
        taken = set(
            rows.filter(**{f"{slug_field}__in": candidates}).values_list(slug_field, flat=True)
        )
        clashes = []
        for index in pending:
            if result[index] in taken or result[index] in claimed:
                clashes.append(index)
            else:
                claimed.add(result[index])
        number += 1
        for index in clashes:
            result[index] = f"{slugs[index]}-{number}"
        pending = clashes
    return result


@contextmanager
def gin_indexes_built_after(deferred: bool) -> Iterator[None]:
    """With `deferred` (on PostgreSQL), the article table's GIN indexes are dropped for
    the block and built again, as they were, when it ends (however it ends)."""
    if not deferred or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [Article._meta.db_table, "% USING gin %"],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        if connection.in_atomic_block:
            # Inside a transaction, its deferred foreign key checks first: CREATE INDEX
            # refuses a table with checks pending.
            connection.check_constraints()
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)


def insert(drafts: list[Draft], complete_now: bool = True) -> None:
    """Insert a batch of articles with their bylines and tags, in one transaction."""
    articles = [draft.article for draft in drafts]
    with transaction.atomic():
        for code in WRITTEN:
            slug_field = localized("slug", code)
            slugs = unique_slugs(
                Article.objects.all(),
                slug_field,
                [getattr(article, slug_field) for article in articles],
            )
            for article, slug in zip(articles, slugs, strict=True):
                setattr(article, slug_field, slug)
        for article in articles:
            fill_variants(article, converted=(), copied=("slug",))
        Article.objects.bulk_create(articles)
        Byline.objects.bulk_create(
            Byline(article_id=draft.article.pk, author_id=author_id, position=position)
            for draft in drafts
            for position, author_id in enumerate(draft.author_ids)
        )
        Article.tags.through.objects.bulk_create(
            Article.tags.through(article_id=draft.article.pk, tag_id=tag_id)
            for draft in drafts
            for tag_id in draft.tag_ids
        )
        if complete_now:
            complete(drafts)


def complete_apart(drafts: list[Draft]) -> None:
    """complete() a committed batch in this thread's own connection and transaction."""
    with transaction.atomic():
        complete(drafts)


def complete(drafts: list[Draft]) -> None:
    """What needs the inserted rows: their made-up times and search vectors.

    bulk_create stores "now" as the creation and update times: one UPDATE
    puts back the archive's. The search vectors are made as on save
    (search.write_vectors()); the related articles once all are in.
    """
    adapt = connection.ops.adapt_datetimefield_value
    update_from_values(
        Article._meta.db_table,
        {"created_at": "incoming.column2", "updated_at": "incoming.column3"},
        [(draft.article.pk, adapt(draft.created_at), adapt(draft.updated_at)) for draft in drafts],
    )
    articles = [draft.article for draft in drafts]
    write_vectors(articles)
