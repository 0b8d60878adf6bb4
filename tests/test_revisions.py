"""History, comparison and restore of versions; no edit is silently lost."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user("Editors")


def save_in_admin(client, article, **changes):
    response = client.post(change_url(article), change_form_data(article, **changes))
    article.refresh_from_db()
    return response


def test_every_admin_save_keeps_a_version_with_who_and_when(client, editor):
    article = make_article()
    client = signed_in(client, editor)
    save_in_admin(client, article, title_en="First edit")
    save_in_admin(client, article, title_en="Second edit")
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    assert {version.revision.user for version in versions} == {editor}
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    page = history.content.decode()
    assert editor.username in page
    assert page.count('name="from"') == 2


def test_compare_shows_field_by_field_changes_per_language(client, editor):
    article = make_article(body_en="Line one.\n\nLine two.")
    client = signed_in(client, editor)
    save_in_admin(client, article)
    save_in_admin(client, article, title_ru="Новый заголовок", body_en="Line one.\n\nLine 2.")
    newer, older = Version.objects.get_for_object(article).order_by("-pk")
    response = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": older.pk, "to": newer.pk},
    )
    assert response.status_code == 200
    changes = {(change.field, change.language) for change in response.context["changes"]}
    # The Russian slug was made from the old title, so it follows the new one.
    assert changes == {("title", "ru"), ("slug", "ru"), ("body", "en")}
    page = response.content.decode()
    assert "<ins>Новый заголовок</ins>" in page
    # What changed in the words, not whole paragraphs.
    assert "<span>Line one.\n\nLine</span> <del>two.</del> <ins>2.</ins>" in page


def test_compare_with_unknown_versions_is_404(client, editor):
    article = make_article()
    url = reverse("admin:articles_article_compare", args=[article.pk])
    client = signed_in(client, editor)
    assert client.get(url, {"from": "999", "to": "x"}).status_code == 404
    assert client.get(url).status_code == 404


def test_a_second_save_based_on_an_old_version_is_refused_and_keeps_both_texts(client, editor):
    article = make_article(title_en="Start")
    first, second = signed_in(client, editor), signed_in(client.__class__(), make_user("Editors"))
    opened = change_form_data(article)  # both open the same version of the form
    save_in_admin(first, article)  # a version to compare against
    article.refresh_from_db()
    opened = change_form_data(article)
    assert (
        first.post(change_url(article), {**opened, "title_en": "First editor's"}).status_code == 302
    )

    response = second.post(change_url(article), {**opened, "body_en": "Second editor's body."})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this article while you were editing it." in page
    assert "Second editor&#x27;s body." in page  # their text is still in the form
    assert "<ins>First editor&#x27;s</ins>" in page  # what changed in between
    article.refresh_from_db()
    assert article.title_en == "First editor's"
    assert article.body_en != "Second editor's body."

    # The form now carries the current version: a deliberate second save goes through.
    carried = response.context["adminform"].form.data["based_on_version"]
    retry = {**opened, "title_en": "First editor's", "body_en": "Second editor's body."}
    retry["based_on_version"] = carried
    assert second.post(change_url(article), retry).status_code == 302
    article.refresh_from_db()
    assert (article.title_en, article.body_en) == ("First editor's", "Second editor's body.")


def test_a_save_that_does_not_say_which_version_it_edits_is_a_conflict(client, editor):
    """A form posted without based_on_version must not overwrite what others saved."""
    article = make_article(title_en="Start")
    client = signed_in(client, editor)
    save_in_admin(client, article, title_en="A colleague's title")
    blind = change_form_data(article, body_en="Posted blind.")
    del blind["based_on_version"]
    blind["title_en"] = "Start"

    response = client.post(change_url(article), blind)

    assert response.status_code == 200
    assert "Someone else saved this article while you were editing it." in response.content.decode()
    article.refresh_from_db()
    assert (article.title_en, article.body_en) != ("Start", "Posted blind.")
    assert article.title_en == "A colleague's title"


def test_a_conflict_without_saved_versions_still_lists_the_differences(client, editor):
    article = make_article(title_en="Start")  # made outside the admin: no versions
    opened = change_form_data(article)
    Article.objects.filter(pk=article.pk).update(edit_version=article.edit_version + 1)
    article.title_en = "Changed elsewhere"
    Article.objects.filter(pk=article.pk).update(title_en="Changed elsewhere")
    response = signed_in(client, editor).post(change_url(article), opened)
    assert response.status_code == 200
    assert "<ins>Changed elsewhere</ins>" in response.content.decode()


def test_change_form_shows_who_else_has_the_article_open(client, editor):
    article = make_article()
    colleague = make_user(
        "Editors",
    )
    colleague.first_name, colleague.last_name = "Aigerim", "Saduakassova"
    colleague.save()
    signed_in(client.__class__(), colleague).get(change_url(article))

    page = signed_in(client, editor).get(change_url(article)).content.decode()
    assert "Also editing this article now:" in page
    assert "Aigerim Saduakassova" in page

    heartbeat = client.get(reverse("admin:articles_article_presence", args=[article.pk]))
    assert heartbeat.json() == {"others": ["Aigerim Saduakassova"]}


def test_alone_on_an_article_nobody_else_is_shown(client, editor):
    article = make_article()
    page = signed_in(client, editor).get(change_url(article)).content.decode()
    assert 'id="desk-presence"' in page
    assert "hidden>" in page.split('id="desk-presence"', 1)[1].split("</div>", 1)[0]
