import os
import sys


def _outside_cwd(entry: str) -> bool:
    try:
        return entry != "" and os.path.abspath(entry) != os.getcwd()
    except OSError:  # the current folder was removed: a path into it imports nothing
        return os.path.isabs(entry)


# `python -m` puts the current folder first on sys.path: run inside a checked tree, its own
# click.py or libcst/ would be imported instead of the real ones. Drop it before any import.
sys.path[:] = [entry for entry in sys.path if _outside_cwd(entry)]

from claude_migrate.cli import main  # noqa: E402

main()
