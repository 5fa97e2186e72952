"""The shape of the package: no import cycles, the terminal only in cli/, and every module
saying what it owns.

Imports are read from the source (every `import` anywhere in a module: at its top, inside a
function, and those under `if TYPE_CHECKING:`), because an import deferred to keep start-up
fast is still a dependence of one idea on another: a cycle through it is a cycle.
`from eta.x import y` depends on the module `eta.x.y` where there is one, else on `eta.x`;
importing a module also runs its package's `__init__`, which this does not count, since a
package's `__init__` that holds code is itself a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import eta

PACKAGE = Path(eta.__file__).parent
#: The packages that only the command line may import.
TERMINAL = ("typer", "rich", "click")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            assert node.level == 0, f"{path}: a relative import"
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
    return found


GRAPH = {name: {dep for dep in _imports(path) if dep in MODULES and dep != name}
         for name, path in MODULES.items()}


def _cycle_from(start: str) -> list[str] | None:
    """A path of imports that leads from `start` back to it, or None."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        name, path = stack.pop()
        for dep in sorted(GRAPH[name]):
            if dep == start:
                return [*path, start]
            if dep not in seen:
                seen.add(dep)
                stack.append((dep, [*path, dep]))
    return None


def test_the_import_graph_is_read_from_every_module() -> None:
    assert "eta.check.engine" in GRAPH
    # A lazy import inside a function counts: the engine reads records only when it must.
    assert "eta.records.read" in GRAPH["eta.check.engine"]
    assert "eta.check.result" in GRAPH["eta.rules.plans"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_cycle(name: str) -> None:
    cycle = _cycle_from(name)
    assert cycle is None, " -> ".join(cycle or [])


def test_a_cycle_would_be_found() -> None:
    GRAPH["eta.diagnostics"].add("eta.check.result")
    try:
        assert _cycle_from("eta.check.result") == [
            "eta.check.result", "eta.diagnostics", "eta.check.result"]
    finally:
        GRAPH["eta.diagnostics"].discard("eta.check.result")


def test_the_result_types_are_a_leaf() -> None:
    """Rules and formats depend on the result types; those depend on nothing of eta's but
    the diagnostics at run time, and name only records, models and the evidence that
    signatures are dated by as types."""
    tree = ast.parse(MODULES["eta.check.result"].read_text(encoding="utf-8"))
    at_run_time = {node.module for node in tree.body
                   if isinstance(node, ast.ImportFrom) and node.module
                   and node.module.startswith("eta")}
    assert at_run_time == {"eta.diagnostics"}
    assert {dep.split(".")[1] for dep in GRAPH["eta.check.result"] - {"eta.plans.timing"}
            } <= {"diagnostics", "models", "records"}


def test_rules_depend_on_no_engine() -> None:
    """A rule is given what it judges: the result types, or the change since a base; it
    knows nothing of the engine, its cache or its output formats."""
    for name, deps in GRAPH.items():
        if name.startswith("eta.rules"):
            assert not {dep for dep in deps if dep.startswith("eta.check.")} - {
                "eta.check.result", "eta.check.change"}, name


#: What a rule never imports: git and what runs it, and what reaches the disk or other
#: processes. `pathlib`'s pure paths name files without touching them.
NOT_FOR_RULES = frozenset({"git", "eta.git", "os", "io", "shutil", "glob", "tempfile",
                           "subprocess", "pathlib.Path"})
#: What of eta's reads files or git on its caller's behalf: the engine calls it, not a rule.
READERS = frozenset({"load_record", "load_release", "folder_paths", "read_agreements",
                     "load_agreements", "load_register", "repository_zone", "record_names",
                     "record_files", "agreement_files", "SigningEvidence", "GitRepository",
                     "head_commit"})
#: Calls that read or write the disk, as functions or as methods of a path.
DISK_CALLS = frozenset({"open", "read_text", "read_bytes", "write_text", "write_bytes",
                        "iterdir", "glob", "rglob", "exists", "lexists", "is_file", "is_dir",
                        "stat", "lstat", "scandir", "listdir", "walk", "resolve"})


def _reaches_out(source: str) -> list[str]:
    """What in `source` imports git, reaches the disk or asks a reader of eta's to."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names
                      if a.name in NOT_FOR_RULES or a.name.split(".")[0] in NOT_FOR_RULES]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            for alias in node.names:
                if (node.module in NOT_FOR_RULES or node.module.split(".")[0] in NOT_FOR_RULES
                        or f"{node.module}.{alias.name}" in NOT_FOR_RULES
                        or alias.name in READERS):
                    found.append(f"from {node.module} import {alias.name}")
        elif isinstance(node, ast.Call):
            called = node.func
            name = (called.id if isinstance(called, ast.Name)
                    else called.attr if isinstance(called, ast.Attribute) else None)
            if name in DISK_CALLS or name in READERS:
                found.append(f"{name}() on line {node.lineno}")
    return found


RULE_MODULES = sorted(name for name in MODULES if name == "eta.rules"
                      or name.startswith("eta.rules."))


@pytest.mark.parametrize("name", RULE_MODULES)
def test_a_rule_reads_no_file_and_no_git(name: str) -> None:
    """The engine reads the records, and git's evidence of when signatures were made, and
    hands the rules what they judge: a rule is a plain function of what it is given."""
    assert _reaches_out(MODULES[name].read_text(encoding="utf-8")) == [], name


def test_a_rule_that_reads_would_be_found() -> None:
    assert sorted(_reaches_out(
        "import os\nimport git.exc\nfrom pathlib import Path, PurePosixPath\n"
        "from eta.git import GitRepository\nfrom eta.plans.state import folder_paths\n"
        "def rule(index):\n"
        "    os.path.lexists(index.root / 'afspraken')\n"
        "    text = open('x').read() + Path('y').read_text()\n"
        "    return SigningEvidence(index.root, None), PurePosixPath('a/b').parts\n"
    )) == sorted(["import os", "import git.exc", "from pathlib import Path",
                  "from eta.git import GitRepository", "from eta.plans.state import folder_paths",
                  "lexists() on line 7", "open() on line 8", "read_text() on line 8",
                  "SigningEvidence() on line 9"])
    assert "eta.rules.plans" in RULE_MODULES and "eta.rules" in RULE_MODULES


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_the_command_line_knows_the_terminal(name: str) -> None:
    if name == "eta.cli" or name.startswith("eta.cli."):
        return
    terminal = {dep for dep in _imports(MODULES[name]) if dep.split(".")[0] in TERMINAL}
    assert not terminal, f"{name} imports {sorted(terminal)}"


def _summary(name: str) -> str:
    docstring = ast.get_docstring(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    assert docstring, f"{name} has no docstring"
    return docstring.splitlines()[0].strip()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_opens_with_what_it_owns(name: str) -> None:
    summary = _summary(name)
    assert len(summary.split()) >= 4, f"{name}: {summary!r} says too little"


def test_no_two_modules_claim_the_same() -> None:
    summaries: dict[str, list[str]] = {}
    for name in MODULES:
        summaries.setdefault(_summary(name).casefold(), []).append(name)
    assert not {text: names for text, names in summaries.items() if len(names) > 1}
