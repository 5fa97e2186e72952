"""The JSON Schemas of eta's JSON outputs, generated from their shapes into schemas/output/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eta.contracts import CONTRACTS, Contract

OUTPUT_FOLDER = "schemas/output"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_of(contract: Contract) -> dict[str, Any]:
    from pydantic import TypeAdapter

    from eta.contracts import shapes
    from eta.models.common import RecordSchema

    generated = TypeAdapter(getattr(shapes, contract.shape)).json_schema(
        mode="serialization", by_alias=True, schema_generator=RecordSchema)
    generated.pop("title", None)
    generated["properties"]["version"] = {
        "const": contract.version,
        "description": "The version of this document's structure; it changes only when a "
        "key is removed or changes meaning.",
    }
    described = " ".join([f"What {contract.printed_by}.",
                          *filter(None, [generated.pop("description", None)])])
    return {"$schema": DIALECT, "title": contract.title, "description": described,
            **generated}


def schema_text(contract: Contract) -> str:
    return json.dumps(schema_of(contract), indent=2, ensure_ascii=False) + "\n"


def expected_schemas(project: Path) -> dict[Path, str]:
    folder = project / OUTPUT_FOLDER
    return {folder / contract.schema_file: schema_text(contract)
            for contract in CONTRACTS.values()}


def write_schemas(project: Path) -> list[Path]:
    """Write every output schema that changed; returns those written."""
    written = []
    for path, text in expected_schemas(project).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas(Path.cwd()):
        print(f"wrote {path.relative_to(Path.cwd()).as_posix()}")
