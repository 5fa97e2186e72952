"""`eta release`: Create releases and move them through the release process."""

from __future__ import annotations

import typer

app = typer.Typer(name="release", help="Create releases and move them through the release process.", no_args_is_help=True, rich_markup_mode=None)
