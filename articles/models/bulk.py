"""Many rows updated, each with its own values, in one statement.

bulk_update() builds a CASE expression per row and column, which grows
faster than the batch and cost the bulk writers (the archive generator,
backup restore, search vectors, related articles) more than their inserts.
An UPDATE from a VALUES list costs one statement, on PostgreSQL and SQLite
alike.
"""

from collections.abc import Sequence

from django.db import connections


def update_from_values(
    table: str,
    assignments: dict[str, str],
    rows: Sequence[Sequence],
    *,
    types: Sequence[str] = (),
    using: str = "default",
) -> None:
    """UPDATE `table` row by row from `rows`, each the row's id and then its values.

    `assignments` maps a column to the SQL that sets it, naming the row's
    values `incoming.column2`, `incoming.column3`...; `types` gives a cast for
    the values after the id where PostgreSQL needs one (e.g. "jsonb", "text").
    """
    if not rows:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    casts = [f"::{kind}" if kind and connection.vendor == "postgresql" else "" for kind in types]
    width = len(rows[0])
    casts += [""] * (width - 1 - len(casts))
    placeholder = "(%s" + "".join(f", %s{cast}" for cast in casts) + ")"
    setting = ", ".join(f"{quote(column)} = {sql}" for column, sql in assignments.items())
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {setting}"
            f" FROM (VALUES {', '.join([placeholder] * len(rows))}) AS incoming"
            f" WHERE {quote(table)}.id = incoming.column1",
            [value for row in rows for value in row],
        )
