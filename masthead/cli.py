"""The `masthead` command: every Django management command, plus `serve`, `worker` and `demo`."""

import os
import sys

# What `masthead` exits with when the configuration is refused (as argparse does for bad usage).
CONFIGURATION_ERROR = 2


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        # Read the settings before Django looks for the command: a refused setting would
        # otherwise surface as "Unknown command" chained to a traceback, whatever the command.
        settings.INSTALLED_APPS  # noqa: B018
        execute_from_command_line(["masthead", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as error:
        # Meant for an operator: what to set, not where in Masthead's code it was noticed.
        for line in str(error).splitlines():
            print(f"masthead: configuration error: {line.strip()}", file=sys.stderr)
        sys.exit(CONFIGURATION_ERROR)
    except OperationalError:
        # The connection pool says only "couldn't get a connection after 10.00 sec": ask the
        # database directly why (not there, refused, wrong password), as serve and worker do
        # before they start. `masthead migrate` runs first in deploy/masthead.service.
        from masthead.reachability import database_problem

        problem = database_problem()
        if problem is None:  # it answers: the error is the command's own, traceback and all
            raise
        print(f"masthead: {problem}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
