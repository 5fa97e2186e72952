"""The JSON Schemas in schemas/ say what eta says: every property described, and the same
verdict as eta's on valid and invalid variants of every kind of record.

A variant is an example record with one edit. eta's verdict is that of reading the record
(YAML, the model, the path: what `eta check` reports of the file alone, before the rules
across records); the schema's is that of a JSON Schema validator with format checking,
as an editor applies it. Two rules of eta need more than one record's text:

- the id (or release, or party) that the file's path gives: a schema serves every file
  of a kind, so the comparison adds to it, per file, the value the path fixes (`const`),
  which is what a schema per file would say;
- what a key's base64 holds (a point on its curve, the type repeated inside): the schema
  checks the form of the line (a type eta accepts, whole base64), and the variants that
  only eta can judge are named in ETA_ONLY, where eta must refuse what the schema lets by.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from conftest import PROJECT
from eta.models.common import schema_line
from eta.records.kinds import KIND_BY_NAME, KINDS, kind_for
from eta.records.read import validate_document
from eta.records.yaml import load_bytes
from eta.schemas import schema_text

#: One example record of each kind: the base of its variants.
BASES = {
    "party": "afspraken/parties/poortwachter.yaml",
    "service-levels": "afspraken/service-levels.yaml",
    "criteria": "afspraken/criteria.yaml",
    "reporting-duties": "afspraken/reporting-duties.yaml",
    "release": "releases/R2026-01/release.yaml",
    "plan": "releases/R2026-01/plan.yaml",
    "plan-party": "releases/R2026-01/parties/logius.yaml",
    "signature": "releases/R2026-01/signatures/logius.yaml",
    "incident": "incidents/2026-11-16-q738dq.yaml",
}

Edit = Callable[[dict[str, Any]], None]


def setting(path: str, value: Any) -> Edit:
    """Set the value at a dotted path (`times.detected`, `representatives.0.keys.0`)."""
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return edit


def removing(path: str) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]
    return edit


def renaming(key: str, new: str) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        data[new] = data.pop(key)
    return edit


KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBfrPz85llCK+QbxVZTeCBsiUWQbHu6A43DnG3cAoHOu "
       "poortwachter-esmits (eta example key, not for real use)")
KEY_PATH = "representatives.0.keys.0"

#: Each kind's timestamp, date and identifier fields to vary, and edits of its own.
TIMESTAMPS = {"incident": "times.detected", "signature": "signed_at"}
DATES = {"party": "representatives.0.valid_from", "release": "decided_on",
         "plan": "milestones.0.date", "plan-party": "measures.0.deadline"}
TEXTS = {"party": "name", "release": "title", "incident": "title", "criteria": "source",
         "plan-party": "impact_analysis.summary"}

TIMESTAMP_VALUES = {
    "2026-11-16T09:12:00+01:00": True,
    "2026-11-16T09:12:00Z": True,
    "2026-11-16T09:12:00.250+01:00": True,
    "2026-11-16 09:12:00+01:00": False,
    "2026-11-16T09:12+01:00": False,
    "2026-11-16T09:12:00": False,
    "2026-11-16t09:12:00+01:00": False,
    "2026-11-16T25:12:00+01:00": False,
    "2026-02-30T09:12:00+01:00": False,
    "2026-11-16": False,
    "": False,
}
DATE_VALUES = {
    "2026-06-01": True, "2026-6-1": False, "20260601": False, "2026-02-30": False,
    "2026-06-01T00:00:00+02:00": False, "": False,
    # Arabic-Indic digits: Python's \d would take them.
    "\u0662\u0660\u0662\u0666-\u0660\u0666-\u0660\u0661": False,
}


def variants() -> list[tuple[str, str, Edit]]:
    found: list[tuple[str, str, Edit]] = []
    for kind in BASES:
        found.append((kind, "as it is", lambda data: None))
        found.append((kind, "an unknown key", setting("remarks", "x")))
        first = next(iter(example(kind)))
        found.append((kind, f"a damaged key `{first}`", renaming(first, first[:-1] + "_")))
    for kind, path in TIMESTAMPS.items():
        found += [(kind, f"{path}: {value!r}", setting(path, value)) for value in TIMESTAMP_VALUES]
    for kind, path in DATES.items():
        found += [(kind, f"{path}: {value!r}", setting(path, value)) for value in DATE_VALUES]
    for kind, path in TEXTS.items():
        found += [(kind, f"{path}: {value!r}", setting(path, value))
                  for value in ("", 5, None, True, "Tekst")]
    found += [
        ("service-levels", f"{field}: {value!r}", setting(field, value))
        for field in ("maintenance_notice_working_days", "backdating_grace_days")
        for value in (5, 5.0, 5.5, -1, 0, True, "5", 1e3, 1e400, 261)
    ]
    found += [
        ("service-levels", f"timezone: {value!r}", setting("timezone", value))
        for value in ("Europe/Amsterdam", "UTC", "Europe/Amsterdan", "Mars/Olympus",
                      "posixrules", "europe/amsterdam", "", "../../etc/passwd")
    ]
    found += [
        ("service-levels", f"response_times.P1.hours: {value!r}",
         setting("response_times.P1.hours", value))
        for value in (4, 4.5, 0, -1, 1000, 1000.5, "4", True)
    ]
    found += [
        ("service-levels", "availability_targets.system_percent: 100.5",
         setting("availability_targets.system_percent", 100.5)),
        ("service-levels", "support_window.start: '9:00'", setting("support_window.start", "9:00")),
        ("service-levels", "support_window.start: '24:00'",
         setting("support_window.start", "24:00")),
        ("service-levels", "support_window.days: []", setting("support_window.days", [])),
        ("release", "status: unknown", setting("status", "unknown")),
        ("release", "status: in_force", setting("status", "in_force")),
        ("release", "framework_version: 1.1 (a number)", setting("framework_version", 1.1)),
        ("release", "framework_version: '1.14.2'", setting("framework_version", "1.14.2")),
        ("release", "framework_version: 'v1.14'", setting("framework_version", "v1.14")),
        ("release", "chain_dependencies: 'yes'", setting("chain_dependencies", "yes")),
        ("release", "releasemanager.email: no address",
         setting("releasemanager.email", "femke")),
        ("release", "changes without an id", removing("changes.0.id")),
        ("incident", "priority: P5", setting("priority", "P5")),
        ("incident", "facts.major_image_impact: 'no'", setting("facts.major_image_impact", "no")),
        ("incident", "affected: a bad id", setting("affected", ["-poort"])),
        ("incident", "without times", removing("times")),
        ("plan-party", "impact_analysis.level: huge", setting("impact_analysis.level", "huge")),
        ("plan-party", "measures.0.status: done", setting("measures.0.status", "done")),
        ("signature", "digest: too short", setting("digest", "sha256:abc")),
        ("signature", "key: not a fingerprint", setting("key", "MD5:aa")),
        ("criteria", "calamiteit: []", setting("calamiteit", [])),
        ("party", "roles: []", setting("roles", [])),
        ("party", "roles: [koning]", setting("roles", ["koning"])),
        ("party", "contacts.0.available_24x7: 1", setting("contacts.0.available_24x7", 1)),
        ("party", "a second key", setting("representatives.0.keys", [KEY, KEY])),
        ("party", "a key of an unknown type", setting(KEY_PATH, KEY.replace("ed25519", "ed448"))),
        ("party", "a key of DSA", setting(KEY_PATH, KEY.replace("ssh-ed25519", "ssh-dss"))),
        ("party", "a key cut short", setting(KEY_PATH, KEY.replace("HOu ", "HO "))),
        ("party", "a key with a character that is no base64",
         setting(KEY_PATH, KEY.replace("Pz85", "Pz!5"))),
        ("party", "a key without its base64", setting(KEY_PATH, "ssh-ed25519")),
        ("party", "a key of another point on the curve",
         setting(KEY_PATH, KEY.replace("Pz85", "Pz86"))),
        ("party", "a key whose base64 holds less", setting(KEY_PATH, KEY.replace("AoHOu", "A"))),
        ("party", "a key whose base64 names another type",
         setting(KEY_PATH, KEY.replace("ssh-ed25519", "ecdsa-sha2-nistp256"))),
    ]
    for kind, (field, _) in {"party": ("id", ""), "incident": ("id", ""),
                             "release": ("id", ""), "plan": ("release", ""),
                             "plan-party": ("party", ""), "signature": ("party", "")}.items():
        found.append((kind, f"{field} that its path does not say", setting(field, "elders")))
    return found


#: What eta refuses and no schema can: what a key's base64 holds.
ETA_ONLY = {
    ("party", "a key whose base64 holds less"),
    ("party", "a key whose base64 names another type"),
}


def example(kind: str) -> dict[str, Any]:
    document = load_bytes((PROJECT / BASES[kind]).read_bytes(), BASES[kind])
    data: dict[str, Any] = copy.deepcopy(document.data)
    return data


def eta_accepts(kind_name: str, data: dict[str, Any]) -> bool:
    """Whether eta reads the record as valid. JSON is YAML 1.2: the text eta reads holds
    exactly the values the schema validator is given."""
    display = BASES[kind_name]
    found = kind_for(Path(display).parts)
    assert found is not None
    kind, fixed = found
    text = f"{schema_line(kind.name, kind.depth)}\n{json.dumps(data, ensure_ascii=False)}\n"
    document = load_bytes(text.encode(), display)
    return not validate_document(kind, fixed, document, display).diagnostics


def schema_accepts(kind_name: str, data: dict[str, Any]) -> bool:
    """Whether the schema, with the values the file's path fixes, takes the record."""
    display = BASES[kind_name]
    found = kind_for(Path(display).parts)
    assert found is not None
    kind, fixed = found
    schema = json.loads((PROJECT / "schemas" / f"{kind.name}.schema.json").read_text())
    per_file = {**schema, "allOf": [{"properties": {name: {"const": value}
                                                    for name, value in fixed.items()}}]}
    validator = jsonschema.Draft202012Validator(
        per_file, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    valid: bool = validator.is_valid(data)
    return valid


VARIANTS = variants()


@pytest.mark.parametrize(("kind", "what", "edit"), VARIANTS,
                         ids=[f"{kind}: {what}" for kind, what, _ in VARIANTS])
def test_eta_and_its_schema_give_the_same_verdict(kind: str, what: str, edit: Edit) -> None:
    data = example(kind)
    edit(data)
    eta, schema = eta_accepts(kind, data), schema_accepts(kind, data)
    if (kind, what) in ETA_ONLY:
        assert (eta, schema) == (False, True)
    else:
        assert eta == schema, f"eta {'accepts' if eta else 'refuses'}, the schema does not"


def test_the_variants_are_both_valid_and_invalid_for_every_kind() -> None:
    verdicts: dict[str, set[bool]] = {}
    for kind, _what, edit in VARIANTS:
        data = example(kind)
        edit(data)
        verdicts.setdefault(kind, set()).add(eta_accepts(kind, data))
    assert verdicts == {kind.name: {True, False} for kind in KINDS}


def test_the_format_checker_checks_date_times() -> None:
    # jsonschema lets every date-time pass when its checker (rfc3339-validator) is missing.
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    assert not checker.conforms("2026-11-16T09:12+01:00", "date-time")
    assert checker.conforms("2026-11-16T09:12:00+01:00", "date-time")


def properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [(f"{schema['title']}.{name}", spec)
             for name, spec in schema.get("properties", {}).items()]
    for definition, sub in schema.get("$defs", {}).items():
        found += [(f"{definition}.{name}", spec)
                  for name, spec in sub.get("properties", {}).items()]
    return found


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_property_of_every_schema_has_a_description(kind: Any) -> None:
    schema = json.loads(schema_text(kind))
    assert [name for name, spec in properties(schema) if not spec.get("description")] == []
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_readme_maps_every_kind_to_its_schema_for_vs_code() -> None:
    readme = (PROJECT / "README.md").read_text()
    start = readme.index('{\n  "yaml.schemas"')
    settings = json.loads(readme[start:readme.index("```", start)])
    patterns = {kind.name: "/".join(re.sub(r"^\{\w+\}", "*", part) for part in kind.layout)
                for kind in KINDS}
    assert settings == {"yaml.schemas": {f"schemas/{name}.schema.json": pattern
                                         for name, pattern in patterns.items()}}


def test_a_list_a_record_leaves_out_is_its_own_and_its_schema_says_it_starts_empty() -> None:
    """The models make an empty list with a factory, not by copying a shared default; the
    schema states the default all the same, and no default another factory makes."""
    from eta.models.incident import Incident
    from eta.models.release import Milestone

    first, second = (Milestone.model_validate_json(
        '{"id": "m1", "date": "2026-03-01", "title": "live"}') for _ in range(2))
    assert first.parties == second.parties == []
    assert first.parties is not second.parties
    plan = json.loads(schema_text(KIND_BY_NAME["plan"]))
    assert plan["$defs"]["Milestone"]["properties"]["parties"]["default"] == []
    incident = json.loads(schema_text(KIND_BY_NAME["incident"]))
    assert incident["properties"]["timeline"]["default"] == []
    assert "default" not in incident["properties"]["facts"]
    assert Incident.model_fields["facts"].default_factory is not None
