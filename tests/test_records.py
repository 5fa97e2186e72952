"""The kinds of record: each names the model its files are read with."""

from __future__ import annotations

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
