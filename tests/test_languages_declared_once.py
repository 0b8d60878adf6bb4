"""Which fields are translated is said once, in articles/translation.py.

Versions, restores, roles, the desk's form and backups read it from
modeltranslation's registry, so a field registered there is covered by each of
them without another list to update. The fields a surface leaves out on purpose
are named here, so that a new translated field cannot be left out unnoticed.
"""

import io
import json
import re
from datetime import UTC, datetime

import pytest
import reversion
from django.db import models
from django.urls import reverse
from modeltranslation.translator import translator

from articles.desk import restore, revisions, roles
from articles.editions.languages import EDITIONS, LANGUAGE_CODES, localized, translated_fields
from articles.interchange import backup
from articles.models import Article, SiteIdentity, Source, StaticPage
from tests.desk import make_user, signed_in
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_image,
    make_tag,
    translated,
)

pytestmark = pytest.mark.django_db

REGISTERED = translator.get_registered_models(abstract=False)
ARTICLE_FIELDS = translated_fields(Article)
# Stamped by save() when a language's text changes; never typed, never compared.
STAMPED_BY_SAVE = {"text_changed_at", "revised_at"}
# A go-live time is publication, which only the workflow changes: a restore leaves it.
PUBLICATION = {"published_at"}
# What only editors decide, in any language.
EDITORIAL = {"published_at", "correction"}


def another_value(model: type[models.Model], field: str, code: str):
    """A value for a translated column that differs from anything a factory gives it."""
    if isinstance(model._meta.get_field(field), models.DateField):
        return datetime(2001, 2, 3, 4, 5, tzinfo=UTC)
    return f"another-{field}-{code}".replace("_", "-")


def change_every_translated_column(instance: models.Model) -> None:
    """Give every translated column of every edition another value, bypassing save()."""
    model = type(instance)
    changes = {
        localized(field, code): another_value(model, field, code)
        for field in translated_fields(model)
        for code in EDITIONS
    }
    model.objects.filter(pk=instance.pk).update(**changes)
    instance.refresh_from_db()


def test_every_field_articles_translation_registers_is_read_back_in_the_models_order():
    assert ARTICLE_FIELDS[:4] == ("title", "slug", "lead", "body")
    for model in REGISTERED:
        registered = set(translator.get_options_for_model(model).all_fields)
        assert set(translated_fields(model)) == registered, model.__name__


def test_a_comparison_shows_every_translated_field_in_each_written_language_but_the_stamps():
    article = make_article()
    before = revisions.field_values(article)

    change_every_translated_column(article)

    changes = revisions.changes_between(before, revisions.field_values(article))
    compared = {(change.field, change.language) for change in changes}
    assert compared == {
        (field, code)
        for field in ARTICLE_FIELDS
        if field not in STAMPED_BY_SAVE
        for code in LANGUAGE_CODES
    }


def test_a_restore_offers_and_brings_back_every_translated_text_in_each_written_language():
    with reversion.create_revision():
        article = make_article(cover_caption_kk="Сурет", correction_en="A correction.")
    version = reversion.models.Version.objects.get_for_object(article).get()
    then = {name: getattr(article, name) for name in restore.restorable_names()}
    change_every_translated_column(article)

    groups = restore.differences(article, version, may_change=lambda name: True)
    offered = {difference.name for group in groups for difference in group.differences}
    restore.bring_back(article, version, sorted(offered))

    assert offered == {
        localized(field, code)
        for field in ARTICLE_FIELDS
        if field not in STAMPED_BY_SAVE | PUBLICATION
        for code in LANGUAGE_CODES
    }
    assert {name: getattr(article, name) for name in offered} == {
        name: then[name] or "" for name in offered
    }


def test_a_translator_translates_every_translated_text_but_the_editors_in_their_language_only():
    translator_user = make_user("Translators", languages=["ru"])

    locked = set(roles.locked_fields(translator_user))

    for field in ARTICLE_FIELDS:
        if field in STAMPED_BY_SAVE:
            continue
        for code in LANGUAGE_CODES:
            may_change = field not in EDITORIAL and code == "ru"
            assert (localized(field, code) not in locked) == may_change, (field, code)


def test_the_desk_form_has_every_typed_translated_field_in_each_written_language_only(client):
    client = signed_in(client, make_user("Editors"))

    page = client.get(reverse("admin:articles_article_change", args=[make_article().pk]))

    inputs = set(re.findall(r'name="([^"]+?)(?:_[01])?"', page.content.decode()))
    for field in ARTICLE_FIELDS:
        typed = field not in STAMPED_BY_SAVE
        for code in EDITIONS:
            shown = localized(field, code) in inputs
            assert shown == (typed and code in LANGUAGE_CODES), (field, code)


def test_a_backup_holds_every_translated_column_of_every_registered_model(tiny_png):
    page = StaticPage(title_en="About us", body_en="<p>An agency.</p>")
    page.save()
    instances = [
        make_category(),
        make_author(),
        make_tag(),
        make_image(tiny_png),
        make_article(),
        page,
        Source.objects.create(credit="Kazinform", **translated("name", "Kazinform")),
        SiteIdentity.load(),
    ]
    assert {type(instance) for instance in instances} == set(REGISTERED)
    for instance in instances:
        change_every_translated_column(instance)
    out = io.StringIO()

    backup.export(out)

    document = json.loads(out.getvalue())
    sections = {section.model: section.name for section in backup.SECTIONS}
    for model in REGISTERED:
        (item,) = document[sections[model]]
        for field in translated_fields(model):
            exported = item.get(field, {})
            assert set(exported) == set(EDITIONS), (model.__name__, field)
            assert all(exported.values()), (model.__name__, field, exported)
