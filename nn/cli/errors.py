"""The command line's one error policy.

Only the command's own errors become a one-line ``chaingrad COMMAND: error: ...`` message:

* ``UsageError`` (exit status 2, as argparse's own errors): the command line asks for
  something that cannot be done, e.g. an option that does not apply to the data set;
* ``InputError`` (exit status 1): the command line is fine but what it names is not, e.g. a
  missing or corrupt model file, a CSV file that cannot be read, a missing optional package,
  or a drawing Graphviz could not render.

The commands raise these (wrapping the library's exception where a user's input is read);
anything else is a bug and ends with its traceback, never dressed up as a usage error.
"""

from __future__ import annotations

import sys

EXIT_FAILED = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """An error the command reports in one line, with its exit status."""

    status = EXIT_FAILED


class UsageError(CommandError):
    """The command line asks for something that cannot be done (exit status 2)."""

    status = EXIT_USAGE


class InputError(CommandError):
    """A file, package or tool the command needs is missing or unusable (exit status 1)."""

    status = EXIT_FAILED


def report(command: str, error: CommandError) -> int:
    """Print ``error`` as the one-line message of ``command``; returns its exit status."""
    print(f"chaingrad {command}: error: {error}", file=sys.stderr)
    return error.status
