"""An article's authors and tags read in the article's own query, as JSON.

Two prefetch queries cost an article page more to build and compile than to
run. Each is instead a subquery gathering the rows into one JSON array
(JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY on SQLite), and the rows become
the objects prefetch_related() would have made: `article.bylines.all()`
and `article.tags.all()` answer from them without a query, and any column
not gathered is deferred, as with only().
"""

from django.db import models
from django.db.models.functions import JSONObject

from articles.editions.languages import EDITIONS, localized

# What a link to an author or a tag needs: its name and slug in every edition.
NAMED_COLUMNS = tuple(localized(field, code) for field in ("name", "slug") for code in EDITIONS)


class JSONList(models.Aggregate):
    """A group's rows as one JSON array."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def named_rows(through: type[models.Model], target: str, **more: str) -> models.Subquery:
    """The article's rows of `through` with the id and names of the `target` each points to."""
    fields = {"id": f"{target}_id", **more, **{c: f"{target}__{c}" for c in NAMED_COLUMNS}}
    return models.Subquery(
        through.objects.filter(article_id=models.OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(rows=JSONList(JSONObject(**fields)))
        .values("rows")
    )


def named(model: type[models.Model], row: dict, using: str) -> models.Model:
    """A `model` instance of the gathered columns; the others deferred."""
    return model.from_db(using, ["id", *NAMED_COLUMNS], [row["id"], *map(row.get, NAMED_COLUMNS)])


def as_prefetched(
    instance: models.Model, name: str, model: type[models.Model], objects: list[models.Model]
) -> None:
    """Make `instance.<name>.all()` answer `objects`, as prefetch_related() leaves it."""
    queryset = models.QuerySet(model)
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = getattr(instance, "_prefetched_objects_cache", {})
    instance._prefetched_objects_cache[name] = queryset
