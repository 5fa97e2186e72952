"""The kinds of record: each names the model its files are read with."""

from __future__ import annotations

from pathlib import Path

import pytest

from eta.models.agreements import Criteria, ServiceLevels
from eta.models.incident import Incident
from eta.models.party import Party
from eta.models.release import Plan, PlanParty, Release, Signature
from eta.records.kinds import KIND_BY_NAME


@pytest.mark.parametrize(("kind", "model"), [
    ("party", Party),
    ("service-levels", ServiceLevels),
    ("criteria", Criteria),
    ("release", Release),
    ("plan", Plan),
    ("plan-party", PlanParty),
    ("signature", Signature),
    ("incident", Incident),
])
def test_each_kind_is_read_with_its_model(kind: str, model: type) -> None:
    assert KIND_BY_NAME[kind].model is model



PARTY = Path(__file__).parent.parent / "afspraken" / "parties"


@pytest.mark.parametrize("broken", [False, True])
def test_a_record_is_parsed_with_the_collector_paused_and_left_out_of_its_rounds(
        broken: bool) -> None:
    import gc

    from eta.records.read import parse_record

    path = sorted(PARTY.glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8") + ("id: [unclosed\n" if broken else "")
    collections: list[str] = []
    was = gc.isenabled()
    gc.enable()
    gc.callbacks.append(lambda phase, info: collections.append(phase))
    try:
        frozen_before = gc.get_freeze_count()
        result = parse_record(KIND_BY_NAME["party"], {}, text, f"afspraken/parties/{path.name}")
        assert collections == []
        assert gc.isenabled()
        assert (result.loaded is None) is broken
        assert [d.code for d in result.diagnostics] == (["yaml.syntax"] if broken else [])
        assert gc.get_freeze_count() > frozen_before
    finally:
        gc.callbacks.pop()
        gc.unfreeze()
        (gc.enable if was else gc.disable)()
