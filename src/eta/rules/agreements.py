"""Rules about the standing agreements: they are all there, and keys name one signer."""

from __future__ import annotations

from collections.abc import Iterator

from eta.catalogue import AGREEMENTS_MISSING, AGREEMENTS_NO_BEHEERORGANISATIE, PARTY_KEY_SHARED
from eta.check.result import Index, IndexRule
from eta.diagnostics import Diagnostic, error
from eta.models.party import Party
from eta.records.kinds import KIND_BY_NAME


def agreements_present(index: Index) -> Iterator[Diagnostic]:
    for name in ("service-levels", "criteria"):
        relative = "/".join(KIND_BY_NAME[name].layout)
        if relative not in index.agreement_files:
            yield error(relative, 1, 1, AGREEMENTS_MISSING.code,
                        f"the {KIND_BY_NAME[name].title.lower()} are missing: "
                        f"{relative} does not exist",
                        "`eta init` writes a skeleton of the agreements")
    parties = index.of("party")
    if parties and not any(
        isinstance(p.record, Party) and p.record.is_beheerorganisatie
        for p in parties
    ):
        yield error("afspraken/parties", 1, 1, AGREEMENTS_NO_BEHEERORGANISATIE.code,
                    "no party in the register has the role beheerorganisatie")


def shared_keys(index: Index) -> Iterator[Diagnostic]:
    """A key identifies the one representative who signs with it."""
    from eta.ssh_keys import KeyOwners

    owners = KeyOwners()
    for loaded in sorted(index.of("party"), key=lambda r: r.file):
        party = loaded.record
        assert isinstance(party, Party)
        for r_index, representative in enumerate(party.representatives):
            for k_index, key in enumerate(representative.keys):
                # The same key in two spellings (another comment, padding) is one key.
                other = owners.claim(key, f"{party.id}/{representative.id}")
                if other is not None:
                    pos = loaded.position("representatives", r_index, "keys", k_index)
                    yield error(loaded.file, pos.line, pos.column, PARTY_KEY_SHARED.code,
                                f"this key is registered for {other} as well; "
                                "a key belongs to one representative")


RULES: tuple[IndexRule, ...] = (agreements_present, shared_keys)
