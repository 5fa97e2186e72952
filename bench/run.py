"""Time eta against its targets on a synthetic repository, side by side with references.

    python bench/run.py [--repo DIR] [--runs N] [--regenerate] [--large-edit-only]
    python bench/run.py --growth [--sizes 1000,10000,100000] [--runs N]

Generates the default repository (bench/generate.py) into bench/data/repo unless it is
there, then times each command as a whole process, the way a user meets it, and prints a
table of medians, ratios and the targets they answer to. Every broken file the generator
made must be named by `eta check`; the script says so, or fails. `--growth` times the
commands that must stay linear on repositories of growing size instead.
"""

from __future__ import annotations

import argparse
import collections
import compileall
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TODAY = "2026-11-28"


@dataclass
class Timing:
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class Command:
    argv: Sequence[str | Path]
    before: Callable[[], None] | None = None
    env: dict[str, str] | None = None


def timed(runs: int, cwd: Path, *commands: Command) -> list[Timing]:
    """Each command `runs` times, taking turns. The load of a shared machine changes from
    minute to minute, so a ratio compares only runs made side by side."""
    seconds: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for command, taken in zip(commands, seconds, strict=True):
            if command.before is not None:
                command.before()
            start = time.perf_counter()
            subprocess.run([str(c) for c in command.argv], cwd=cwd, env=command.env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            taken.append(time.perf_counter() - start)
    return [Timing(taken) for taken in seconds]


def peak_mib(command: Sequence[str | Path], cwd: Path, env: dict[str, str]) -> float:
    """The largest resident size of the command or any process it waited for."""
    probe = ("import resource, subprocess, sys;"
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", probe, *map(str, command)], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)
    return int(done.stdout) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=HERE / "data" / "repo")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--large-edit-only", action="store_true",
                        help="Time only the edits of an incident near the size cap.")
    parser.add_argument("--growth", action="store_true",
                        help="Time the linear commands on repositories of growing size.")
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="The numbers of incidents of the growth series.")
    args = parser.parse_args()
    repo: Path = args.repo
    runs: int = args.runs
    if args.large_edit_only:
        _compile_eta()
        _print_table(_large_edit_rows(runs))
        return
    if args.growth:
        _compile_eta()
        _growth([int(size) for size in args.sizes.split(",")], runs)
        return
    if args.regenerate or not (repo / ".git").is_dir():
        subprocess.run([sys.executable, HERE / "generate.py", repo], check=True)
    _compile_eta()
    eta = BIN / "eta"
    cache = Path(tempfile.mkdtemp(prefix="eta-bench-cache-"))
    env = {**os.environ, "ETA_CACHE_DIR": str(cache)}
    check: list[str | Path] = [eta, "check", "--today", TODAY]

    def empty_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    changed = sorted((repo / "incidents").glob("*.yaml"))[100:103]
    originals = {path: path.read_text() for path in changed}

    def as_committed() -> None:
        for path, text in originals.items():
            path.write_text(text)
        empty_cache()

    def three_files_changed() -> None:
        for path, text in originals.items():
            path.write_text(text.replace("resolution: ", "resolution: Nagekeken. ", 1))
        empty_cache()

    rows: list[tuple[str, float, str, str]] = []
    try:
        floor, floor_2, cold, base, minimal = timed(
            runs, repo, Command([sys.executable, HERE / "floor.py", repo], as_committed),
            Command([sys.executable, HERE / "floor.py", repo, "--jobs", "2"], as_committed),
            Command(check, as_committed, env),
            Command([*check, "--base", "HEAD", "--changed-only"], three_files_changed, env),
            Command([sys.executable, HERE / "minimal_typer.py", "--help"]))
    finally:
        as_committed()
    subprocess.run(check, cwd=repo, env=env, capture_output=True, check=False)
    [warm] = timed(runs, repo, Command(check, env=env))
    rows += [
        ("YAML 1.2 parse of every file (floor), one process", floor.median, "", ""),
        ("YAML 1.2 parse of every file (floor), two processes", floor_2.median, "", ""),
        ("eta check, cold", cold.median,
         f"{cold.median / floor.median:.2f}x floor, {cold.median / floor_2.median:.2f}x "
         "two-process floor", "<= 1.2x two-process floor"),
        ("eta check, warm", warm.median, "", "< 1 s"),
        ("eta check --base HEAD --changed-only, 3 files", base.median,
         f"{base.median / cold.median:.1%} of cold, {base.median / minimal.median:.2f}x "
         "typer --help", "<= 1.5x typer --help"),
    ]
    rows += _daily_rows(repo, runs, check, env, empty_cache)

    for label, record in (("one record", _typical_record(repo)),
                          ("the record with the longest history", _longest_record(repo))):
        git_log, history = timed(
            runs, repo, Command(["git", "log", "--follow", "--format=%H %an %s", "--", record]),
            Command([eta, "history", record], env=env))
        rows += [
            (f"git log --follow, {label} ({_commits(repo, record)} commits)", git_log.median,
             "", ""),
            (f"eta history, {label}", history.median,
             f"{history.median / git_log.median:.2f}x git log", "<= 2x git log"),
        ]

    minimal, help_ = timed(runs, repo, Command([sys.executable, HERE / "minimal_typer.py",
                                                "--help"]), Command([eta, "--help"]))
    rows += [
        ("minimal typer app --help", minimal.median, "", ""),
        ("eta --help", help_.median, f"{help_.median / minimal.median:.2f}x typer",
         "<= 1.2x typer"),
    ]
    peer = shutil.which("check-jsonschema", path=str(BIN))
    if peer:
        rows.append(("check-jsonschema with eta's schemas (a peer that does less)",
                     _check_jsonschema(Path(peer), repo, runs), "", ""))
    empty_cache()
    memory = peak_mib(check, repo, env)
    rows.append(("eta check, cold: peak memory of any process", memory, "MiB", "< 500 MiB"))
    rows += _large_edit_rows(runs)
    shutil.rmtree(cache, ignore_errors=True)

    _print_table(rows)
    _verify_broken_files_reported(repo, check, env)


def _daily_rows(repo: Path, runs: int, check: list[str | Path], env: dict[str, str],
                empty_cache: Callable[[], None]) -> list[tuple[str, float, str, str]]:
    """The commands people run every day, against a cold check: first each with nothing
    cached, taking turns with the check, then each again with its files unchanged."""
    eta = BIN / "eta"
    today = ["--today", TODAY]
    release = sorted(p.name for p in (repo / "releases").iterdir() if p.is_dir())[0]
    out = Path(tempfile.mkdtemp(prefix="eta-bench-reports-"))
    daily: dict[str, list[str | Path]] = {
        "eta report all": [eta, "report", "all", "--output-dir", out / "all"],
        "eta report overview": [eta, "report", "overview", *today, "--output", out / "o.md"],
        "eta agenda --format ics": [eta, "agenda", *today, "--format", "ics"],
        "eta incident list --format json": [eta, "incident", "list", "--format", "json"],
        f"eta plan status {release}": [eta, "plan", "status", release],
    }
    limits = {"eta report all": 2.0, "eta report overview": 1.2,
              "eta agenda --format ics": 1.2, "eta incident list --format json": 1.2}
    try:
        for argv in daily.values():  # each must work, or its time says nothing
            done = subprocess.run([str(a) for a in argv], cwd=repo, env=env, check=False,
                                  capture_output=True)
            # 1 is findings: the broken records the generator made, named and passed over.
            if done.returncode > 1:
                raise SystemExit(f"{argv} failed: {done.stderr.decode()[-500:]}")
        cold, *taken = timed(runs, repo, Command(check, empty_cache, env),
                             *(Command(argv, empty_cache, env) for argv in daily.values()))
        rows = []
        for name, timing in zip(daily, taken, strict=True):
            limit = limits.get(name)
            rows.append((f"{name}, cold", timing.median,
                         f"{timing.median / cold.median:.2f}x cold check",
                         f"<= {limit}x cold check" if limit else ""))
        for name, argv in daily.items():
            if name in limits and name != "eta report all":
                [warm] = timed(runs, repo, Command(argv, env=env))
                rows.append((f"{name}, warm", warm.median, "", "< 1 s"))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    rows += _incident_log_rows(repo, runs, env)
    return rows


def _incident_log_rows(repo: Path, runs: int, env: dict[str, str]
                       ) -> list[tuple[str, float, str, str]]:
    """`eta incident log` on a typical incident, against `eta check` of that one file."""
    eta = BIN / "eta"
    record = repo / _typical_record(repo)
    original = record.read_bytes()

    def as_committed() -> None:
        record.write_bytes(original)

    relative = record.relative_to(repo).as_posix()
    try:
        check, log = timed(
            runs, repo,
            Command([eta, "check", "--no-cache", "--today", TODAY, relative], as_committed, env),
            Command([eta, "incident", "log", record.stem, "Voortgang besproken.", "--at",
                     "2026-11-27T10:00:00+01:00"], as_committed, env))
    finally:
        as_committed()
    return [(f"eta check of one typical incident ({len(original) / 1024:.1f} KiB)",
             check.median, "", ""),
            ("eta incident log on it", log.median, f"{log.median / check.median:.2f}x check",
             "<= 1.5x check")]


def _growth(sizes: list[int], runs: int) -> None:
    """Cold check, warm check, `--base` and the agenda on repositories of growing size,
    with the time and the peak memory of each. Each repository has the default one's
    proportions: 30 releases and 500 commits to every 1,000 incidents."""
    eta = BIN / "eta"
    rows: list[tuple[int, str, float, float]] = []
    for size in sizes:
        repo = HERE / "data" / f"growth-{size}"
        if not (repo / ".git").is_dir():
            subprocess.run([sys.executable, HERE / "generate.py", repo, "--incidents",
                            str(size), "--releases", str(max(1, size * 3 // 100)),
                            "--commits", str(max(10, size // 2))], check=True)
        cache = Path(tempfile.mkdtemp(prefix="eta-bench-cache-"))
        env = {**os.environ, "ETA_CACHE_DIR": str(cache)}

        def empty_cache(cache: Path = cache) -> None:
            shutil.rmtree(cache, ignore_errors=True)

        check: list[str | Path] = [eta, "check", "--today", TODAY]
        changed = sorted((repo / "incidents").glob("*.yaml"))[100:103]
        originals = {path: path.read_text() for path in changed}

        def as_committed(originals: dict[Path, str] = originals,
                         empty_cache: Callable[[], None] = empty_cache) -> None:
            for path, text in originals.items():
                path.write_text(text)
            empty_cache()

        def three_changed(originals: dict[Path, str] = originals,
                          empty_cache: Callable[[], None] = empty_cache) -> None:
            for path, text in originals.items():
                path.write_text(text.replace("resolution: ", "resolution: Nagekeken. ", 1))
            empty_cache()

        agenda: list[str | Path] = [eta, "agenda", "--today", TODAY, "--format", "json"]
        commands = {
            "eta check, cold": (Command(check, as_committed, env), check),
            "eta check --base HEAD --changed-only, 3 files": (
                Command([*check, "--base", "HEAD", "--changed-only"], three_changed, env),
                [*check, "--base", "HEAD", "--changed-only"]),
            "eta agenda, cold": (Command(agenda, as_committed, env), agenda),
        }
        try:
            timings = timed(runs, repo, *(command for command, _ in commands.values()))
            for (name, (command, argv)), timing in zip(commands.items(), timings,
                                                         strict=True):
                if command.before is not None:
                    command.before()
                rows.append((size, name, timing.median, peak_mib(argv, repo, env)))
        finally:
            as_committed()
        subprocess.run(check, cwd=repo, env=env, capture_output=True, check=False)
        [warm] = timed(runs, repo, Command(check, env=env))
        rows.append((size, "eta check, warm", warm.median, peak_mib(check, repo, env)))
        shutil.rmtree(cache, ignore_errors=True)
    _print_growth(rows, sizes)


def _print_growth(rows: list[tuple[int, str, float, float]], sizes: list[int]) -> None:
    names = list(dict.fromkeys(name for _, name, _, _ in rows))
    seconds = {(size, name): taken for size, name, taken, _ in rows}
    memory = {(size, name): mib for size, name, _, mib in rows}
    header = " | ".join(f"{size:,} incidents" for size in sizes)
    print(f"| what | {header} | growth, last step |")
    print("|---|" + "---:|" * len(sizes) + "---:|")
    for name in names:
        cells = " | ".join(f"{seconds[size, name]:.2f} s, {memory[size, name]:.0f} MiB"
                           for size in sizes)
        step = (f"{seconds[sizes[-1], name] / seconds[sizes[-2], name]:.1f}x"
                if len(sizes) > 1 else "")
        print(f"| {name} | {cells} | {step} |")
    print("\n```mermaid\nxychart-beta\n    title \"Seconds by number of incidents\"")
    print(f"    x-axis [{', '.join(f'{size // 1000}k' for size in sizes)}]")
    print('    y-axis "seconds"')
    for name in names:
        print(f"    line [{', '.join(f'{seconds[size, name]:.2f}' for size in sizes)}]")
    print("```")
    print("\n" + "; ".join(f"line {n + 1}: {name}" for n, name in enumerate(names)))


#: The example incident that `_large_edit_rows` grows to near the size cap.
LARGE = "2026-11-16-q738dq"
LARGE_ENTRY = ("  - at: 2026-11-18T{hour:02d}:{minute:02d}:00+01:00\n"
               "    by: Sanne Verbeek <s.verbeek@beheer.example.nl>\n"
               "    text: Voortgang {number}, overleg met de deelnemers over de maatregelen.\n")


def _large_edit_rows(runs: int) -> list[tuple[str, float, str, str]]:
    """Each command that edits an incident, on one of nearly 1 MiB (a timeline of thousands
    of entries), against `eta check` of that file, in a small repository of its own."""
    project = HERE.parent
    folder = Path(tempfile.mkdtemp(prefix="eta-bench-large-"))
    try:
        for name in ("afspraken", "schemas"):
            shutil.copytree(project / name, folder / name)
        (folder / "incidents").mkdir()
        path = folder / "incidents" / f"{LARGE}.yaml"
        parts = [(project / "incidents" / f"{LARGE}.yaml").read_text(encoding="utf-8")]
        size, number = len(parts[0].encode()), 0
        while True:
            entry = LARGE_ENTRY.format(hour=11 + number // 60 % 12, minute=number % 60,
                                       number=number)
            if size + len(entry.encode()) > 1024 * 1024 - 4096:
                break
            parts.append(entry)
            size += len(entry.encode())
            number += 1
        text = "".join(parts)
        for setting in (["init", "-q"], ["config", "user.name", "Bench"],
                        ["config", "user.email", "bench@example.nl"]):
            subprocess.run(["git", *setting], cwd=folder, check=True)
        eta = BIN / "eta"
        now = "2026-11-19T10:00"

        def as_generated() -> None:
            path.write_text(text, encoding="utf-8")

        env = {**os.environ, "ETA_CACHE_DIR": str(folder / "cache")}
        commands = [
            Command([eta, "check", "--no-cache", "--today", TODAY, f"incidents/{LARGE}.yaml"],
                    as_generated, env),
            Command([eta, "incident", "log", LARGE, "Voortgang.", "--at", now], as_generated,
                    env),
            Command([eta, "incident", "classify", LARGE, "--reason", "Herzien.", "--now", now],
                    as_generated, env),
            Command([eta, "incident", "update", LARGE, "--status", "in_progress", "--now", now],
                    as_generated, env)]
        for command in commands:  # each must work, or its time says nothing
            as_generated()
            subprocess.run([str(c) for c in command.argv], cwd=folder, env=env, check=True,
                           capture_output=True)
        check, log, classify, update = timed(runs, folder, *commands)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    size_text = f"{size / 1024:,.0f} KiB"
    rows = [(f"eta check of one incident of {size_text}", check.median, "", "")]
    for name, taken in (("incident log", log), ("incident classify", classify),
                        ("incident update --status", update)):
        rows.append((f"eta {name} on it", taken.median,
                     f"{taken.median / check.median:.2f}x check", "<= 2x check"))
    return rows


def _compile_eta() -> None:
    """Time eta as pip installs it, with its bytecode compiled.

    An editable install has none, and where PYTHONDONTWRITEBYTECODE is set Python would
    compile every module of eta again in each timed run, which no installed eta does.
    """
    spec = importlib.util.find_spec("eta")
    assert spec is not None and spec.origin is not None, "eta is not installed"
    compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def _typical_record(repo: Path) -> str:
    return sorted(p.relative_to(repo).as_posix() for p in (repo / "incidents").glob("*.yaml"))[-1]


def _longest_record(repo: Path) -> str:
    # The whole history: the generator writes the long one early, while `incidents/` is small.
    names = subprocess.run(["git", "log", "--format=", "--name-only"], cwd=repo,
                           capture_output=True, text=True, check=True).stdout.split()
    return collections.Counter(names).most_common(1)[0][0]


def _commits(repo: Path, record: str) -> int:
    out = subprocess.run(["git", "log", "--follow", "--format=%H", "--", record], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    return len(out.split())


def _check_jsonschema(peer: Path, repo: Path, runs: int) -> float:
    kinds = {"incident": "incidents/*.yaml", "party": "afspraken/parties/*.yaml",
             "release": "releases/*/release.yaml", "plan": "releases/*/plan.yaml",
             "plan-party": "releases/*/parties/*.yaml"}
    total = 0.0
    for kind, pattern in kinds.items():
        files = sorted(str(p.relative_to(repo)) for p in repo.glob(pattern))
        [taken] = timed(max(1, runs // 2), repo,
                        Command([peer, "--schemafile", f"schemas/{kind}.schema.json", *files]))
        total += taken.median
    return total


def _print_table(rows: list[tuple[str, float, str, str]]) -> None:
    width = max(len(row[0]) for row in rows)
    print(f"| {'what':<{width}} | median | ratio | target |")
    print(f"|{'-' * (width + 2)}|-------:|------:|--------|")
    for name, value, ratio, target in rows:
        shown = f"{value:.0f}" if ratio == "MiB" else f"{value:.3f} s"
        print(f"| {name:<{width}} | {shown} | {ratio} | {target} |")


def _verify_broken_files_reported(repo: Path, check: list[Path | str], env: dict[str, str]
                                  ) -> None:
    broken = (repo / ".bench-broken").read_text().split()
    done = subprocess.run([*map(str, check), "--format", "json"], cwd=repo, env=env,
                          capture_output=True, text=True, check=False)
    named = {d["file"] for d in json.loads(done.stdout)["diagnostics"]
             if d["severity"] == "error"}
    missing = sorted(set(broken) - named)
    if missing:
        raise SystemExit(f"eta check did not report {len(missing)} broken files: {missing[:5]}")
    print(f"\nAll {len(broken)} broken files were reported by eta check.")


if __name__ == "__main__":
    main()
