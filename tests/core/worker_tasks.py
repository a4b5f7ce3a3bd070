"""Tasks the worker tests enqueue: importable by a `masthead worker` started from the project root."""

import os
from pathlib import Path

from django_tasks import task


@task()
def note_process(path: str) -> None:
    Path(path).write_text(str(os.getpid()))
