"""Name search without diacritics and case: "bjork" finds Björk, "celik" finds Çelik.

PostgreSQL folds with the `unaccent` extension (installed by a migration); other
databases (the SQLite file of `make run`) with a chain of REPLACE over the letters that
occur in Swedish registers. The search text is folded the same way in Python.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, Func

# Letters unicodedata does not decompose into a base letter and a mark.
_SPECIAL = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L"})
# The fallback's letters: what the Python side turns into plain ASCII.
_FALLBACK_LETTERS = "åäöÅÄÖéèêëÉÈÊËüúùÜÚÙáàâÁÀÂíìïÍÌÏóòôÓÒÔçÇñÑøØšŠžŽćĆčČ"


def fold(text: str) -> str:
    """`text` without diacritics, lower case."""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


class Folded(Func):
    """The SQL side of `fold` for a text column."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"lower(unaccent({sql}))", params

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        for letter in _FALLBACK_LETTERS:
            sql = f"REPLACE({sql}, %s, %s)"
            params = [*params, letter, fold(letter)]
        return f"lower({sql})", params
