"""`eta incident`: Record, classify and follow incidents."""

from __future__ import annotations

import typer

app = typer.Typer(name="incident", help="Record, classify and follow incidents.", no_args_is_help=True, rich_markup_mode=None)
