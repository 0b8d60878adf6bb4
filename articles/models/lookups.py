"""`column__filled=True`: the text is not empty, told without reading it.

`body <> ''` makes PostgreSQL fetch and decompress every long body it
compares (bodies live out of line, "TOASTed"); `octet_length(body)` reads
only the stored size. Public lists check each row's text this way, so a
page of a list no longer reads the bodies of the rows it scans.
"""

from django.db.models import CharField, Lookup, TextField


class Filled(Lookup):
    lookup_name = "filled"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        column, params = self.process_lhs(compiler, connection)
        if self.rhs not in (True, False):
            raise ValueError("__filled takes True or False.")
        comparison = ">" if self.rhs else "="
        return f"COALESCE(OCTET_LENGTH({column}), 0) {comparison} 0", params

    def as_sqlite(self, compiler, connection):
        column, params = self.process_lhs(compiler, connection)
        comparison = ">" if self.rhs else "="
        return f"COALESCE(LENGTH(CAST({column} AS BLOB)), 0) {comparison} 0", params


TextField.register_lookup(Filled)
CharField.register_lookup(Filled)
