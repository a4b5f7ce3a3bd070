"""Most relevant first on SQLite, however many articles match.

Wagtail's SQLite backend (modelsearch) ranks by giving every match a subquery that runs the whole
full-text match again to find its own score: the time grows with the square of the matches
(2,000 matches of a common word took 4 s). Here the full-text table is read once, each match
scored by the same expression, and only the page asked for is sorted out of it.
"""

from django.db import connection
from django.db.models import IntegerField, QuerySet
from django.db.models.functions import Cast
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks


def ranked_ids(results) -> QuerySet | None:
    """The ids of the objects `results` (a `.search()` of a queryset) finds, most relevant
    first as Wagtail ranks them (ties: the newest object first), as a query to slice; None
    where the backend's own ranking is used (PostgreSQL's, which reads each match once)."""
    if connection.vendor != "sqlite":
        return None
    # Only importable on SQLite (its full-text table's model exists there alone).
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteFTSIndexEntry,
        SQLiteSearchQueryCompiler,
    )

    compiler = results.query_compiler
    if not isinstance(compiler, SQLiteSearchQueryCompiler):
        return None
    query = normalize(compiler.query)
    if isinstance(query, (MatchAll, Not)):
        return None
    config = compiler.get_config(results.backend)
    match = MatchExpression(
        compiler.fields or compiler.FTS_TABLE_FIELDS,
        compiler.build_search_query(query, config=config),
    )
    model = compiler.queryset.model
    return (
        SQLiteFTSIndexEntry.objects.filter(match)
        .filter(index_entry__content_type__in=get_descendants_content_types_pks(model))
        .annotate(
            object_pk=Cast("index_entry__object_id", IntegerField()),
            score=compiler._build_rank_expression(compiler.get_search_vectors(), config),
        )
        .filter(object_pk__in=compiler.queryset.order_by().values("pk"))
        .order_by("score", "-object_pk")
        .values_list("object_pk", flat=True)
    )
