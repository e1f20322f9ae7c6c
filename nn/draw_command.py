"""The ``chaingrad draw`` subcommand (placeholder until the drawing command lands)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the "draw" parser; it runs ``run``."""
    p = subparsers.add_parser("draw", help="draw a computation graph (not available yet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print("chaingrad draw: not available yet", file=sys.stderr)
    return 1
