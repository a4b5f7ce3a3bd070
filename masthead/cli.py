"""The `masthead` command: every Django management command, plus `serve`, `worker` and `demo`."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
