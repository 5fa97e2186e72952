"""The example records that ship with eta pass its check."""

from __future__ import annotations

from conftest import EXAMPLES_DATE, PROJECT, run_eta


def test_example_records_pass_check() -> None:
    # The date they were written for: later, their deadlines come due, as they should.
    outcome = run_eta("check", "--root", str(PROJECT), "--today", EXAMPLES_DATE)
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.stdout.endswith("files checked: no problems found\n")


def test_schemas_match_the_models() -> None:
    outcome = run_eta("schema", "--check", "--root", str(PROJECT))
    assert (outcome.exit_code, outcome.stdout) == (0, "schemas are up to date\n")
