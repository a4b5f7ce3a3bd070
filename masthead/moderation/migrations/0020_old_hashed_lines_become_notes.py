"""Lines of the moderation lists that were set aside keep their meaning.

Before 0019 every line starting with "#" was left out of the lists, so an operator could disable
an entry by putting a # before it ("#idiot"). Since then only "# " (a space after the #) is a
note, and "#idiot" is a hashtag the lexicon holds comments for: a word set aside would silently
count again. A line that starts with "#" and a character other than a space is turned into a
note ("# idiot"), as it was meant; indented lines were entries then and stay as they are.
"""

import re

from django.db import migrations

FIELDS = ("lexicon_additions", "allow_domains", "block_domains", "alert_recipients")
# At the start of a line (not indented): a # followed by anything but a space or the line's end.
SET_ASIDE = re.compile(r"#(?=\S)")


def as_notes(text: str) -> str:
    """The list with each "#entry" line made a note ("# entry"); lines split as the lists read
    them (str.splitlines), their endings kept."""
    return "".join(
        SET_ASIDE.sub("# ", line, count=1) if SET_ASIDE.match(line) else line
        for line in (text or "").splitlines(keepends=True)
    )


def hashed_lines_to_notes(apps, schema_editor):
    ModerationSettings = apps.get_model("moderation", "ModerationSettings")
    for options in ModerationSettings.objects.all():
        changed = {}
        for name in FIELDS:
            text = getattr(options, name)
            if as_notes(text) != text:
                changed[name] = as_notes(text)
        if changed:
            ModerationSettings.objects.filter(pk=options.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0019_settings_help_notes_and_alerts")]

    # Going back leaves the notes as notes: the older code reads "# idiot" as set aside too.
    operations = [migrations.RunPython(hashed_lines_to_notes, migrations.RunPython.noop)]
