"""The floor for any YAML tool in Python: parse every record file, as YAML 1.2, and no more.

    python bench/floor.py ROOT

PyYAML with libyaml is the fastest loader at hand, but it follows YAML 1.1 (`NO` is false,
`010` is 8); this loader swaps its implicit resolvers for those of YAML 1.2's core schema,
so that it reads what eta reads.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import yaml


class Yaml12Loader(yaml.CSafeLoader):
    """libyaml's safe loader with the implicit resolvers of the YAML 1.2 core schema."""


Yaml12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    Yaml12Loader.add_implicit_resolver(tag, re.compile(pattern), list(first))


def _int(loader: Yaml12Loader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 0) if text.startswith("0x") else int(text)


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _int)


def main() -> None:
    root = Path(sys.argv[1])
    parsed = failed = 0
    for folder in ("afspraken", "releases", "incidents"):
        for dirpath, _, filenames in os.walk(root / folder):
            for name in filenames:
                if not name.endswith(".yaml"):
                    continue
                try:
                    text = Path(dirpath, name).read_bytes()
                    yaml.load(text, Loader=Yaml12Loader)
                    parsed += 1
                except yaml.YAMLError:
                    failed += 1
    print(f"{parsed} parsed, {failed} failed")


if __name__ == "__main__":
    main()
