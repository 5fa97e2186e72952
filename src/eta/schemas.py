"""JSON Schemas of the record kinds, generated from the models, for editors and peers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eta.models.common import RecordSchema
from eta.records.kinds import KINDS, RecordKind

SCHEMA_FOLDER = "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


#: The bounds pydantic writes under its own names where a validator runs before them (a
#: count that takes 5.0 as 5), and the JSON Schema keywords that say the same.
_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _with_json_bounds(value: Any) -> Any:
    if isinstance(value, dict):
        return {_BOUNDS.get(key, key) if isinstance(value.get(key), int | float)
                and not isinstance(value.get(key), bool) else key: _with_json_bounds(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_with_json_bounds(item) for item in value]
    return value


def schema_text(kind: RecordKind) -> str:
    schema = _with_json_bounds(kind.model.model_json_schema(by_alias=True,
                                                            schema_generator=RecordSchema))
    schema = {"$schema": DIALECT, "title": kind.title, **{k: v for k, v in schema.items()
                                                          if k != "title"}}
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def schema_path(root: Path, kind: RecordKind) -> Path:
    return root / SCHEMA_FOLDER / f"{kind.name}.schema.json"


def expected_schemas(root: Path) -> dict[Path, str]:
    return {schema_path(root, kind): schema_text(kind) for kind in KINDS}


def drifted(root: Path) -> list[Path]:
    """The schema files that are missing or differ from what the models generate."""
    return [
        path for path, text in expected_schemas(root).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def write_schemas(root: Path) -> list[Path]:
    """Write every schema that changed; returns those written."""
    from eta.journal import write_together

    changed = drifted(root)
    expected = expected_schemas(root)
    write_together(root, {path: expected[path] for path in changed})
    return changed
