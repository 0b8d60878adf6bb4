"""The desk's list, agenda and story header: what an editor sees before opening an article."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article, make_author, make_image
from tests.test_journeys import photo

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")
AGENDA = reverse("admin:articles_article_agenda")


@pytest.fixture
def editor(client):
    user = make_user("Editors")
    signed_in(client, user)
    return user


def listed_titles(client, query: str = "") -> list[str]:
    page = client.get(f"{LIST}{query}").content.decode()
    return re.findall(r'<th class="field-desk_title"><a href="[^"]+">([^<]+)</a>', page)


def test_a_row_shows_the_editors_language_else_the_original_with_authors_and_picture(
    client, editor, tiny_png
):
    cover = make_image(tiny_png)
    author = make_author(name_en="Aigerim Bekova", name_kk="Айгерім Бекова")
    make_article(
        languages=["kk"],
        title_kk="Астанада жаңа көпір ашылды",
        authors=[author],
        cover_image=cover,
    )
    make_article(languages=["kk", "en"], title_kk="Екі тілде", title_en="In two languages")

    page = client.get(LIST).content.decode()  # the editor reads the desk in English

    assert listed_titles(client) == ["In two languages", "Астанада жаңа көпір ашылды"]
    assert "Aigerim Bekova" in page
    assert re.search(r'<img class="desk-thumbnail" src="[^"]+"', page)


def test_badges_say_live_scheduled_not_live_and_missing_with_times(client, editor):
    tomorrow = timezone.now() + timedelta(days=1)
    article = make_article(languages=["kk", "ru"], title_kk="Жаңалық")
    Article.objects.filter(pk=article.pk).update(published_at_ru=tomorrow)
    make_article(
        languages=["en"], title_en="A draft", status=Article.Status.DRAFT, published_at=None
    )

    page = client.get(LIST).content.decode()

    assert re.search(r'class="desk-badge live" title="Қазақша: live since [^"]+">KK<', page)
    assert re.search(r'class="desk-badge scheduled" title="Русский: goes live [^"]+">RU<', page)
    assert 'class="desk-badge missing" title="English: missing">EN<' in page
    assert 'class="desk-badge written" title="English: not live">EN<' in page
    # When it went live (its first language), not when it was created.
    assert re.search(r'<td class="field-go_live"><time datetime="[^"]+">', page)


def test_the_list_costs_the_same_queries_for_three_articles_or_thirty(client, editor, tiny_png):
    cover = make_image(tiny_png)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    for _ in range(3):
        make_article(authors=[make_author(), make_author()], cover_image=cover)
    with_three = queries()
    for _ in range(27):
        make_article(authors=[make_author()], cover_image=cover)
    assert queries() == with_three


def test_the_desk_filters_mine_in_review_and_scheduled(client, editor):
    mine = make_article(title_en="Mine", created_by=editor)
    make_article(title_en="Someone else's")
    make_article(title_en="Waiting", status=Article.Status.REVIEW, published_at=None)
    make_article(title_en="Tomorrow", published_at=timezone.now() + timedelta(days=3))
    assert mine.created_by == editor

    assert listed_titles(client, "?desk=mine") == ["Mine"]
    assert listed_titles(client, "?desk=review") == ["Waiting"]
    assert listed_titles(client, "?desk=scheduled") == ["Tomorrow"]


def test_needs_translation_into_a_language_lists_missing_and_stale_not_withdrawn(client, editor):
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        stale = make_article(original_language="kk", title_en="Stale in English")
    stale.body_kk = "Жаңа нұсқа."
    stale.save()
    make_article(languages=["kk"], title_kk="Тек қазақша")
    make_article(title_en="Up to date")
    make_article(languages=["kk"], title_kk="Алынған", status=Article.Status.WITHDRAWN)

    assert sorted(listed_titles(client, "?translate=en")) == ["Stale in English", "Тек қазақша"]


def test_the_agenda_shows_every_go_live_of_the_next_seven_days_per_language(client, editor):
    now = timezone.now()
    soon = make_article(languages=["kk", "ru"], title_kk="Ертең", published_at=now)
    Article.objects.filter(pk=soon.pk).update(
        published_at_kk=now + timedelta(hours=20), published_at_ru=now + timedelta(days=2)
    )
    make_article(title_en="Next month", published_at=now + timedelta(days=30))
    make_article(title_en="Already live")

    response = client.get(AGENDA)

    assert response.status_code == 200
    days = response.context["days"]
    entries = [(entry.article.pk, entry.language) for _day, day in days for entry in day]
    assert entries == [(soon.pk, "kk"), (soon.pk, "ru")]
    page = response.content.decode()
    assert "Next month" not in page and "Already live" not in page
    # The dashboard leads to it, and to the list of everything scheduled.
    dashboard = client.get(reverse("admin:articles_article_dashboard")).content.decode()
    assert f'href="{AGENDA}"' in dashboard
    assert f'href="{LIST}?desk=scheduled"' in dashboard


def test_the_agenda_and_desk_filters_are_for_staff_only(client):
    assert client.get(AGENDA).status_code == 302  # to the sign-in page


def test_view_on_site_opens_a_live_page_in_a_language_the_story_has(client, editor):
    kazakh_and_russian = make_article(languages=["kk", "ru"], original_language="kk")
    draft = make_article(status=Article.Status.DRAFT, published_at=None)

    page = client.get(change_url(kazakh_and_russian)).content.decode()
    link = re.search(r'<a href="([^"]+)" class="viewsitelink"', page)
    assert link, "no view-on-site link"
    # The editor reads the desk in English, which the story lacks: its original, Kazakh.
    assert link.group(1) == kazakh_and_russian.get_absolute_url("kk")
    assert client.get(kazakh_and_russian.get_absolute_url("kk")).status_code == 200
    assert "viewsitelink" not in client.get(change_url(draft)).content.decode()


def test_the_story_header_shows_each_language_with_its_preview_and_live_page(client, editor):
    article = make_article(languages=["kk", "ru"], title_kk="Тақырып")
    page = client.get(change_url(article)).content.decode()
    header = page[page.index('class="desk-story"') : page.index("</section>")]
    assert header.count("Preview") == 2
    assert f'href="{article.get_absolute_url("kk")}"' in header
    assert f'href="{article.get_absolute_url("ru")}"' in header
    assert "English: missing" in header
    # It comes before the form's fields.
    assert page.index('class="desk-story"') < page.index('id="id_title_kk"')


def test_after_a_save_the_message_links_to_the_live_pages(client, editor):
    article = make_article(languages=["kk", "ru"])
    response = client.post(
        change_url(article), change_form_data(article, title_ru="Новый заголовок"), follow=True
    )
    messages = [str(message) for message in response.context["messages"]]
    live = next(message for message in messages if message.startswith("Live now:"))
    article.refresh_from_db()
    for code in ("kk", "ru"):
        assert f'href="{article.get_absolute_url(code)}"' in live
    assert "/en/" not in live  # not written in English


def draft_in_kazakh_and_russian() -> Article:
    return make_article(
        languages=["kk", "ru"], status=Article.Status.DRAFT, published_at=None, title_kk="Жоба"
    )


def test_the_header_publishes_one_language_now_and_leaves_the_others(client, editor):
    article = draft_in_kazakh_and_russian()
    response = client.post(
        change_url(article), change_form_data(article, go_live="now:ru", _continue="1")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_live_in("ru")
    assert not article.is_live_in("kk")
    assert article.published_at_kk is None


def test_the_header_schedules_every_written_language_at_once(client, editor):
    article = draft_in_kazakh_and_russian()
    at = (timezone.localtime() + timedelta(days=1)).replace(second=0, microsecond=0)
    data = change_form_data(
        article, go_live="schedule:all", go_live_at_all=at.strftime("%Y-%m-%dT%H:%M")
    )
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.published_at_kk == at and article.published_at_ru == at
    assert article.language_state("kk") == "scheduled"
    assert article.published_at_en is None  # not written: nothing to schedule


def test_a_schedule_in_the_past_is_refused_and_the_form_keeps_what_was_typed(client, editor):
    article = draft_in_kazakh_and_russian()
    data = change_form_data(
        article,
        title_ru="Напечатано, не потеряно",
        go_live="schedule:ru",
        go_live_at_ru="2020-01-01T09:00",
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pick a time in the future" in page
    assert "Напечатано, не потеряно" in page
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_only_those_who_publish_see_the_buttons_and_a_translators_press_is_refused(client):
    article = draft_in_kazakh_and_russian()
    signed_in(client, make_user("Translators", languages=["ru"]))
    assert 'data-go-live="now:ru"' not in client.get(change_url(article)).content.decode()
    response = client.post(change_url(article), change_form_data(article, go_live="now:ru"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    signed_in(client, make_user("Editors"))
    assert 'data-go-live="now:ru"' in client.get(change_url(article)).content.decode()


def test_a_pictures_page_shows_it_first_with_its_address_to_copy(client, editor):
    image = make_image(photo(), name="park.jpg", caption_kk="Саябақ")
    page = client.get(reverse("admin:articles_image_change", args=[image.pk])).content.decode()
    figure = page[page.index('<figure class="desk-picture">') : page.index("</figure>")]
    assert "<picture>" in figure and "srcset=" in figure
    assert f'data-copy="http://testserver{image.file.url}"' in figure
    assert page.index('class="desk-picture"') < page.index('id="id_alt_kk"')


def test_the_media_list_shows_small_renditions_not_the_originals(client, editor):
    image = make_image(photo(), name="park.jpg")
    page = client.get(reverse("admin:articles_image_changelist")).content.decode()
    thumbnail = re.search(r"<th class=\"field-thumbnail\"><a [^>]+><img src=\"([^\"]+)\"", page)
    assert thumbnail and thumbnail.group(1) != image.file.url
