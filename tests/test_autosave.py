"""Unsaved changes kept on the server for each editor (articles/desk/autosave.py)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import AutosavedForm
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ENDPOINT = reverse("admin:articles_autosave")


def keep(client, address: str, fields) -> object:
    body = json.dumps({"address": address, "fields": fields})
    return client.post(ENDPOINT, body, content_type="application/json")


@pytest.fixture
def editor():
    return make_user("Editors")


def test_unsaved_changes_are_kept_for_their_editor_only_and_leave_the_article_alone(editor):
    article = make_article(title_kk="Бастапқы тақырып")
    address = change_url(article)
    mine = signed_in(Client(), editor)

    response = keep(mine, address, {"title_kk": ["Жаңа тақырып"], "tags": ["1", "2"]})

    assert response.status_code == 200
    kept = mine.get(ENDPOINT, {"address": address}).json()
    assert kept["fields"] == {"title_kk": ["Жаңа тақырып"], "tags": ["1", "2"]}
    assert kept["saved_at"] == response.json()["saved_at"]
    article.refresh_from_db()
    assert article.title_kk == "Бастапқы тақырып"
    someone_else = signed_in(Client(), make_user("Editors"))
    assert someone_else.get(ENDPOINT, {"address": address}).json()["fields"] is None


def test_saving_the_form_or_discarding_forgets_the_unsaved_changes(editor):
    article = make_article()
    address = change_url(article)
    client = signed_in(Client(), editor)
    keep(client, address, {"title_en": ["Typed, not saved"]})

    response = client.post(address, change_form_data(article, title_en="Saved"))

    assert response.status_code == 302
    assert not AutosavedForm.objects.filter(user=editor).exists()
    keep(client, address, {"title_en": ["Typed again"]})
    assert client.delete(f"{ENDPOINT}?address={address}").status_code == 204
    assert client.get(ENDPOINT, {"address": address}).json() == {"saved_at": None, "fields": None}


def test_a_new_article_is_kept_under_the_add_form_until_it_is_added(editor):
    client = signed_in(Client(), editor)
    address = reverse("admin:articles_article_add")
    assert keep(client, address, {"title_kk": ["Жоба"]}).status_code == 200
    assert client.get(ENDPOINT, {"address": address}).json()["fields"] == {"title_kk": ["Жоба"]}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", 400),
        (json.dumps([1, 2]), 400),
        (json.dumps({"address": "/kk/", "fields": {}}), 400),  # not a desk form
        (json.dumps({"address": "/admin/auth/user/", "fields": {}}), 400),  # a list, not a form
        (json.dumps({"address": "/admin/articles/article/add/", "fields": {"a": "b"}}), 400),
        (json.dumps({"address": "/admin/articles/article/add/", "fields": {"a": [1]}}), 400),
        (json.dumps({"address": "/admin/articles/article/add/", "fields": []}), 400),
    ],
)
def test_junk_is_refused_with_a_clear_error_and_nothing_kept(editor, body, status):
    client = signed_in(Client(), editor)
    response = client.post(ENDPOINT, body, content_type="application/json")
    assert response.status_code == status
    assert "error" in response.json()
    assert not AutosavedForm.objects.exists()


def test_too_much_is_refused(editor, monkeypatch):
    from articles.desk import autosave

    monkeypatch.setattr(autosave, "MAX_BYTES", 100)
    client = signed_in(Client(), editor)
    address = reverse("admin:articles_article_add")
    assert keep(client, address, {"body_kk": ["сөз " * 100]}).status_code == 413
    assert not AutosavedForm.objects.exists()


def test_only_signed_in_staff_keep_anything_and_a_post_needs_its_csrf_token(editor):
    address = reverse("admin:articles_article_add")
    assert keep(Client(), address, {"title_kk": ["x"]}).status_code == 302  # to sign in
    strict = signed_in(Client(enforce_csrf_checks=True), editor)
    assert keep(strict, address, {"title_kk": ["x"]}).status_code == 403
    assert not AutosavedForm.objects.exists()
