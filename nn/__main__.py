"""``python -m nn``: the same as the ``chaingrad`` command."""

from .cli import main

raise SystemExit(main())
