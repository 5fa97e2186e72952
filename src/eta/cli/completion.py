"""Shell completion of the ids in the repository: releases, incidents and parties.

The shell runs eta for every completion, so this reads no record: it lists the names of
the record folders and files, as `eta check` would find them. Only names that are ids
are offered, so no file name can put a control character on the shell's line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import typer

from eta.errors import EtaError

#: The form of an id, as the models say (`models.common.Identifier`).
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _root(ctx: typer.Context) -> Path | None:
    from eta.records.layout import find_root

    given = ctx.params.get("root")
    try:
        return find_root(Path(given) if given else Path.cwd())
    except (EtaError, OSError):
        return None


def _names(ctx: typer.Context, folder: tuple[str, ...], incomplete: str, *,
           files: bool) -> list[str]:
    root = _root(ctx)
    if root is None:
        return []
    try:
        entries = list(os.scandir(root.joinpath(*folder)))
    except OSError:
        return []
    names = []
    for entry in entries:
        if files and entry.name.endswith(".yaml"):
            name = entry.name.removesuffix(".yaml")
        elif not files and entry.is_dir(follow_symlinks=False):
            name = entry.name
        else:
            continue
        if _ID.fullmatch(name) and name.startswith(incomplete):
            names.append(name)
    return sorted(names)


def releases(ctx: typer.Context, incomplete: str) -> list[str]:
    return _names(ctx, ("releases",), incomplete, files=False)


def incidents(ctx: typer.Context, incomplete: str) -> list[str]:
    return _names(ctx, ("incidents",), incomplete, files=True)


def parties(ctx: typer.Context, incomplete: str) -> list[str]:
    return _names(ctx, ("afspraken", "parties"), incomplete, files=True)


def party_lists(ctx: typer.Context, incomplete: str) -> list[str]:
    """Parties separated by commas (`--affected a,b`): the last one is completed."""
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    return [prefix + name for name in parties(ctx, last)]


def records(ctx: typer.Context, incomplete: str) -> list[str]:
    """Any record by its id, as `eta history` takes them."""
    return sorted({*releases(ctx, incomplete), *incidents(ctx, incomplete),
                   *parties(ctx, incomplete)})


#: What the shell sets when it asks eta for completions (typer's completion scripts).
COMPLETION_REQUEST = "_ETA_COMPLETE"


def answer_without_converting_values() -> None:
    """Make the command line take the words before the cursor as they are.

    Completion parses the words typed so far; typer would convert each value through
    pydantic, whose import alone costs more than a completion may take. No value is used
    but `--root`, which a path's text serves as well.
    """
    from dataclasses import dataclass
    from typing import Any

    from typer import _coercion, core

    @dataclass(frozen=True)
    class Unconverted(_coercion.RuntimeParam):
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            return value

    def unconverted(parameter: core._TyperParameter) -> _coercion.RuntimeParam:
        descriptor = parameter.type_descriptor
        return Unconverted(annotation=descriptor.annotation,
                           parameter_info=descriptor.parameter_info)

    core._TyperParameter.get_runtime_param = unconverted  # type: ignore[method-assign,assignment]
