"""Several operator commands (app/cli.py) in one process, one after the other:

    python -m devtools.cli_steps create-table ";" bootstrap ";" demo-photos --images DIR

Each `python -m app.cli` pays for starting Python and importing the app again (about a
second each here); `make run` runs three in a row on every start. Stops at the first
command that fails, with its exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence

SEPARATOR = ";"


def split(argv: Sequence[str]) -> Iterator[list[str]]:
    """The commands in `argv`, split at each SEPARATOR; empty ones are left out."""
    command: list[str] = []
    for word in [*argv, SEPARATOR]:
        if word != SEPARATOR:
            command.append(word)
        elif command:
            yield command
            command = []


def command_line(*commands: Sequence[str]) -> list[str]:
    """The argv that runs `commands`, in order, in one process."""
    words: list[str] = [sys.executable, "-m", "devtools.cli_steps"]
    for command in commands:
        words += [*command, SEPARATOR]
    return words


INTERRUPTED = 130  # what a shell reports for a command ended by SIGINT


def main(argv: Sequence[str]) -> int:
    from app import cli

    try:
        for command in split(argv):
            code = cli.main(command)
            if code:
                return code
    except KeyboardInterrupt:  # Ctrl-C: `make run`/`make seed` stop the rest; no traceback
        return INTERRUPTED
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
