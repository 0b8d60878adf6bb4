"""Queries compiled once (articles/models/compiled.py): the same rows as the ORM, SQL made once."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.models.compiled import CompiledQuery
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


def by_id():
    return CompiledQuery(lambda pk: Article.objects.select_related("category").filter(pk=pk), pk=-1)


def test_each_run_reads_its_own_ids_rows_as_the_queryset_would():
    first, second = make_article(category=make_category()), make_article()
    query = by_id()

    for article in (first, second, first):
        with CaptureQueriesContext(connection) as queries:
            (found,) = query.run(pk=article.pk)
            category = found.category  # read with it, as select_related() does
        assert len(queries) == 1
        assert found.pk == article.pk
        assert found.title_en == Article.objects.get(pk=article.pk).title_en
        assert category == article.category
    assert query.run(pk=0) == []


def test_the_sql_is_compiled_once_for_every_run(monkeypatch):
    articles = [make_article() for _ in range(3)]
    compilations = []
    as_sql = SQLCompiler.as_sql

    def counted(compiler, *args, **kwargs):
        compilations.append(compiler)
        return as_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    query = by_id()
    found = [query.run(pk=article.pk)[0].pk for article in articles]

    assert found == [article.pk for article in articles]
    assert len(compilations) == 1


def test_several_ids_each_take_their_own_place():
    articles = [make_article() for _ in range(3)]
    query = CompiledQuery(
        lambda **ids: Article.objects.filter(pk__in=ids.values()), a=-1, b=-2, c=-3
    )

    found = query.run(a=articles[2].pk, b=articles[0].pk, c=0)

    assert {article.pk for article in found} == {articles[2].pk, articles[0].pk}


def test_a_stand_in_the_sql_does_not_carry_is_refused():
    query = CompiledQuery(lambda pk: Article.objects.all(), pk=-1)
    with pytest.raises(ImproperlyConfigured, match="pk"):
        query.run(pk=1)
