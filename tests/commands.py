"""Running the `masthead` command as an operator would: a process of its own, in a fresh
MASTHEAD_HOME, with the test run's own settings left out of its environment."""

import os
import subprocess
import sys


def run_masthead(args, env_overrides, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MASTHEAD_"))
    }
    env.pop("DATABASE_URL", None)
    env.pop("SECRET_KEY", None)
    env.pop("ALLOWED_HOSTS", None)
    env.update(
        {
            "MASTHEAD_HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "masthead.settings",
            **env_overrides,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "masthead.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
