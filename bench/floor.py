"""The floor for any YAML tool in Python: parse every record file, as YAML 1.2, and no more.

    python bench/floor.py ROOT [--jobs N]

With `--jobs 2` the files are shared among two forked processes, as eta's cold check shares
them: on a 2-core machine that is the physical limit of any tool that parses every file.

PyYAML with libyaml is the fastest loader at hand, but it follows YAML 1.1 (`NO` is false,
`010` is 8); this loader swaps its implicit resolvers for those of YAML 1.2's core schema,
so that it reads what eta reads.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
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


def record_files(root: Path) -> list[Path]:
    return [Path(dirpath, name)
            for folder in ("afspraken", "releases", "incidents")
            for dirpath, _, filenames in os.walk(root / folder)
            for name in filenames if name.endswith(".yaml")]


def parse(paths: list[Path]) -> tuple[int, int]:
    parsed = failed = 0
    for path in paths:
        try:
            yaml.load(path.read_bytes(), Loader=Yaml12Loader)
            parsed += 1
        except yaml.YAMLError:
            failed += 1
    return parsed, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    paths = record_files(args.root)
    if args.jobs == 1:
        parsed, failed = parse(paths)
    else:
        shares = [paths[n::args.jobs] for n in range(args.jobs)]
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            counts = pool.map(parse, shares)
        parsed, failed = (sum(column) for column in zip(*counts, strict=True))
    print(f"{parsed} parsed, {failed} failed")


if __name__ == "__main__":
    main()
