"""The `eta` command. Its first act is to take charge of Ctrl-C, before anything heavy loads,
so that an interrupt in the first moments of a run ends it as cleanly as one later on."""

from __future__ import annotations


def main() -> None:
    from eta import interrupts

    interrupts.install()
    from eta.cli import main as run

    run()
