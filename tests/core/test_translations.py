"""Translators get every count as a plural message: makemessages reads masthead.text.counted."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

import masthead

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")


def test_makemessages_collects_counted_texts_as_plurals(tmp_path, monkeypatch, settings):
    settings.LOCALE_PATHS = []
    source = Path(masthead.__file__).parent / "management" / "commands" / "backup.py"
    shutil.copy(source, tmp_path / "backup.py")
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)

    call_command("makemessages", locale=["fr"], verbosity=0)

    catalogue = (tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text()
    assert (
        'msgid "%(files)s file of MASTHEAD_HOME."\nmsgid_plural "%(files)s files of MASTHEAD_HOME."'
    ) in catalogue
