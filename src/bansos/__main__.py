"""`bansos` = Django's management command with the project's settings."""

import os
import sys
from pathlib import Path

# Commands that may create ./var/keys.env for a local install before settings are read.
_CREATE_LOCAL_KEYS = {"demo", "keys"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bansos.settings")
    if len(sys.argv) > 1 and sys.argv[1] in _CREATE_LOCAL_KEYS and not os.environ.get("BANSOS_DATA_KEY"):
        from bansos.core.keyfile import ensure_local_keys

        ensure_local_keys(Path(os.environ.get("BANSOS_VAR_DIR", Path.cwd() / "var")))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
