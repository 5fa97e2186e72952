"""`eta plan`: Fill in, sign and follow an implementation plan."""

from __future__ import annotations

import typer

app = typer.Typer(name="plan", help="Fill in, sign and follow an implementation plan.", no_args_is_help=True, rich_markup_mode=None)
