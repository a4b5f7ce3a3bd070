from django.db import migrations

# Wagtail's SQLite search index is an FTS5 table with the default tokenizer, which matches words
# only as written: a search for "ferries" missed an article about a ferry. PostgreSQL already
# stems (its default text search configuration is English). FTS5's built-in Porter stemmer does
# the same for SQLite; it applies to queries as well, prefix queries included.
FTS_TABLE = "wagtailsearch_indexentry_fts"
COPY_ENTRIES = (
    f"INSERT INTO {FTS_TABLE}(rowid, title, body, autocomplete) "
    "SELECT id, title, body, autocomplete FROM wagtailsearch_indexentry"
)


def _rebuild(schema_editor, tokenize: str) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE])
        if cursor.fetchone() is None:  # SQLite built without FTS5: Wagtail searches without it
            return
        # Wagtail's triggers name this table and keep working once it is made again.
        cursor.execute(f"DROP TABLE {FTS_TABLE}")
        cursor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(autocomplete, body, title{tokenize})"
        )
        cursor.execute(COPY_ENTRIES)


def stem_words(apps, schema_editor):
    _rebuild(schema_editor, ", tokenize = 'porter unicode61'")


def match_words_as_written(apps, schema_editor):
    _rebuild(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0010_editors_publish_articles"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(stem_words, match_words_as_written)]
