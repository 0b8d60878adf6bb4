"""The database itself refuses to change an audit log entry, whatever code or person asks.

On PostgreSQL a trigger refuses UPDATE and DELETE (TRUNCATE, which the test
runner uses to empty tables, needs the table's owner). On SQLite a trigger
refuses UPDATE only: the test runner empties tables there with DELETE. A later
migration that alters this table on SQLite rebuilds it without the trigger, so
it must create the trigger again.
"""

from django.db import migrations

POSTGRESQL = [
    """
    CREATE FUNCTION accounts_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'The audit log is append-only: % refused.', TG_OP;
    END;
    $$
    """,
    """
    CREATE TRIGGER accounts_auditentry_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_auditentry_append_only()
    """,
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER accounts_auditentry_append_only ON accounts_auditentry",
    "DROP FUNCTION accounts_auditentry_append_only()",
]
SQLITE = [
    """
    CREATE TRIGGER accounts_auditentry_append_only
    BEFORE UPDATE ON accounts_auditentry
    BEGIN
        SELECT RAISE(ABORT, 'The audit log is append-only: UPDATE refused.');
    END
    """,
]
SQLITE_UNDO = ["DROP TRIGGER accounts_auditentry_append_only"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO}),
            elidable=False,
        ),
    ]
