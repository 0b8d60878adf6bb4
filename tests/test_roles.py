"""The desk's permission matrix, checked by what the server does with direct requests."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"


@pytest.fixture
def author():
    return make_user("Authors")


@pytest.fixture
def translator():
    return make_user("Translators", languages=["ru"])


@pytest.fixture
def editor():
    return make_user("Editors")


def authored_by(user, status=Article.Status.DRAFT, **overrides):
    published_at = None if status != Article.Status.PUBLISHED else timezone.now()
    return make_article(status=status, published_at=published_at, created_by=user, **overrides)


def post_change(client, article, **changes):
    return client.post(change_url(article), change_form_data(article, **changes))


def run_action(client, action, articles, **extra):
    data = {"action": action, "_selected_action": [a.pk for a in articles], **extra}
    return client.post(reverse(CHANGELIST), data)


# Authors


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW])
def test_author_edits_own_drafts_and_articles_in_review(client, author, status):
    article = authored_by(author, status)
    response = post_change(signed_in(client, author), article, title_en="Sharper headline")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Sharper headline"


def test_author_submits_a_draft_for_review(client, author):
    article = authored_by(author)
    post_change(signed_in(client, author), article, status=Article.Status.REVIEW)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


@pytest.mark.parametrize(
    "status", [Article.Status.PUBLISHED, Article.Status.WITHDRAWN], ids=["published", "withdrawn"]
)
def test_author_cannot_edit_own_published_or_withdrawn_article(client, author, status):
    article = authored_by(author, status, withdrawal_reason="x")
    response = post_change(signed_in(client, author), article, title_en="Changed")
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title_en != "Changed"


def test_author_cannot_edit_someone_elses_draft(client, author):
    article = authored_by(make_user("Authors"))
    response = post_change(signed_in(client, author), article, title_en="Changed")
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title_en != "Changed"


def test_author_cannot_publish_through_the_status_field(client, author):
    article = authored_by(author)
    response = post_change(signed_in(client, author), article, status=Article.Status.PUBLISHED)
    assert response.status_code == 200  # the form, with an error
    assert "errorlist" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_author_cannot_schedule_or_feature(client, author):
    article = authored_by(author)
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = post_change(
        signed_in(client, author),
        article,
        title_en="Still mine",
        published_at_en_0=tomorrow.strftime("%Y-%m-%d"),
        published_at_en_1="09:00:00",
        featured="on",
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Still mine"
    assert article.published_at_en is None
    assert article.featured is False


def test_author_creates_drafts_credited_to_them(client, author):
    data = change_form_data(Article(), title_en="New story", body_en="Text.")
    response = signed_in(client, author).post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.created_by == author
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize("action", ["publish", "withdraw"])
def test_author_cannot_run_publish_or_withdraw_actions(client, author, action):
    article = authored_by(author)
    run_action(signed_in(client, author), action, [article], apply="1", reason="x")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_author_cannot_delete(client, author):
    article = authored_by(author)
    response = signed_in(client, author).post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


# Translators


def test_translator_edits_their_language_of_any_article(client, translator):
    article = make_article()
    response = post_change(signed_in(client, translator), article, title_ru="Новый заголовок")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_ru == "Новый заголовок"


def test_translator_cannot_touch_other_languages_status_or_go_live(client, translator):
    article = make_article(status=Article.Status.REVIEW, published_at=None)
    response = post_change(
        signed_in(client, translator),
        article,
        title_ru="Перевод",
        title_kk="Өзгертілді",
        title_en="Changed",
        status=Article.Status.PUBLISHED,
        published_at_ru_0="2026-01-01",
        published_at_ru_1="09:00:00",
        correction_ru="Исправление",
        source="Someone else",
    )
    assert response.status_code == 302
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.title_ru == "Перевод"
    assert fresh.title_kk == article.title_kk
    assert fresh.title_en == article.title_en
    assert fresh.status == Article.Status.REVIEW
    assert fresh.published_at_ru is None
    assert fresh.correction_ru in (None, "")
    assert fresh.source == article.source


LATIN_CORRECTIONS = {
    "latin_title": "Qoldan tüzetılgen taqyryp",
    "latin_lead": "Qoldan tüzetılgen lid.",
    "latin_body": "<p>Qoldan tüzetılgen mätın.</p>",
    "latin_cover_caption": "Qoldan tüzetılgen jazu",
    "latin_correction": "Tüzetu",
}


def test_a_translator_without_kazakh_cannot_correct_the_latin_edition(client, translator):
    article = make_article()
    before = Article.objects.values(*LATIN_CORRECTIONS, "title_kk_latn").get(pk=article.pk)
    response = post_change(signed_in(client, translator), article, **LATIN_CORRECTIONS)
    assert response.status_code == 302
    after = Article.objects.values(*LATIN_CORRECTIONS, "title_kk_latn").get(pk=article.pk)
    assert after == before


def test_a_kazakh_translator_corrects_the_latin_edition(client):
    kazakh = make_user("Translators", languages=["kk"])
    article = make_article()
    response = post_change(signed_in(client, kazakh), article, **LATIN_CORRECTIONS)
    assert response.status_code == 302
    article.refresh_from_db()
    assert {name: getattr(article, name) for name in LATIN_CORRECTIONS} == LATIN_CORRECTIONS
    assert article.title_kk_latn == LATIN_CORRECTIONS["latin_title"]


def test_translator_cannot_create_articles(client, translator):
    response = signed_in(client, translator).get(reverse("admin:articles_article_add"))
    assert response.status_code == 403


def test_translator_without_languages_edits_nothing(client):
    idle = make_user("Translators")
    article = make_article()
    response = post_change(signed_in(client, idle), article, title_ru="Новый")
    assert response.status_code == 403


def test_translator_cannot_publish_by_action(client, translator):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    run_action(signed_in(client, translator), "publish", [article])
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


# Editors and chief editors


@pytest.fixture(params=["editor", "chief"])
def desk_chief(request):
    return make_user("Editors") if request.param == "editor" else make_user(superuser=True)


def test_editors_publish_per_language_with_their_own_times(client, desk_chief):
    article = make_article(status=Article.Status.REVIEW, published_at=None)
    later = timezone.localtime() + timedelta(hours=2)
    response = post_change(
        signed_in(client, desk_chief),
        article,
        status=Article.Status.PUBLISHED,
        published_at_kk_0=timezone.localtime().strftime("%Y-%m-%d"),
        published_at_kk_1=(timezone.localtime() - timedelta(minutes=1)).strftime("%H:%M:%S"),
        published_at_en_0=later.strftime("%Y-%m-%d"),
        published_at_en_1=later.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    assert list(Article.objects.published("kk")) == [article]
    assert not Article.objects.published("en").exists()  # scheduled
    assert not Article.objects.published("ru").exists()  # never, until an editor says


def test_editors_edit_published_articles_and_withdraw_with_a_reason(client, desk_chief):
    article = make_article()
    client = signed_in(client, desk_chief)
    assert post_change(client, article, title_en="Corrected").status_code == 302
    article.refresh_from_db()
    response = post_change(client, article, status=Article.Status.WITHDRAWN)
    assert "Say why the article is withdrawn." in response.content.decode()
    article.refresh_from_db()
    post_change(client, article, status=Article.Status.WITHDRAWN, withdrawal_reason="Legal")
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    assert not Article.objects.published().exists()


def test_withdrawn_article_can_be_published_again(client, desk_chief):
    article = make_article(status=Article.Status.WITHDRAWN, withdrawal_reason="Legal")
    run_action(signed_in(client, desk_chief), "publish", [article])
    assert list(Article.objects.published("en")) == [article]


def test_publish_action_keeps_scheduled_languages_scheduled(client, desk_chief):
    tomorrow = timezone.now() + timedelta(days=1)
    article = make_article(status=Article.Status.REVIEW, published_at=None)
    Article.objects.filter(pk=article.pk).update(published_at_en=tomorrow)
    run_action(signed_in(client, desk_chief), "publish", [article])
    article.refresh_from_db()
    assert article.published_at_en == tomorrow
    assert Article.objects.published("kk").exists()
    assert not Article.objects.published("en").exists()
