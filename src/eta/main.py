"""The `eta` command. Its first act is to take charge of Ctrl-C, before anything heavy loads,
so that an interrupt in the first moments of a run ends it as cleanly as one later on."""

from __future__ import annotations

import os


def main() -> None:
    from eta import interrupts

    interrupts.install()
    # A pydantic plugin is code of another package run inside the validation of every
    # record, which eta's judgements must not depend on; and finding plugins reads the
    # metadata of every installed package, at each start of eta. A user who names the
    # plugins to leave out decides for themselves.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from eta.cli import main as run

    run()
