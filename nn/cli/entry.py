"""The command's parser and ``main``: one sub-parser per command module, and the one error
policy of ``nn.cli.errors`` applied to all of them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import demo_command, draw_command, evaluate_command, export_command, train_command
from .errors import EXIT_USAGE, CommandError, report

COMMANDS = (demo_command, train_command, evaluate_command, draw_command, export_command)


def build_parser() -> argparse.ArgumentParser:
    """The ``chaingrad`` parser with its demo, train, evaluate, draw and export commands."""
    parser = argparse.ArgumentParser(
        prog="chaingrad",
        description="Train and inspect small neural networks built on a scalar autodiff engine.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{demo,train,evaluate,draw,export}")
    for command in COMMANDS:
        sub_parser = command.register(sub)
        sub_parser.set_defaults(parser=sub_parser)  # its usage is formatted only for a usage error
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status: 0 done, 1 a file, package or tool it
    needs failed, 2 bad usage (argparse itself exits with 2)."""
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["draw"]:
        words = draw_command.shield_formula(words)
    args = parser.parse_args(words)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except CommandError as e:
        if e.status == EXIT_USAGE:  # as argparse does for its own usage errors
            sys.stderr.write(args.parser.format_usage())
        return report(args.command, e)
