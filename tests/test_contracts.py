"""Every JSON output carries its version and matches its schema in schemas/output/.

Each command's real output is validated with a JSON Schema validator against the schema
generated from its shape, so that the schema and what eta prints cannot drift apart: on the
example records, and on a records repository made from nothing by eta's own commands. The
command line is walked for every command that offers `--format json`, and each must be named
by one contract.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import typer
import typer.main
from typer.core import TyperGroup

from change_helpers import edit
from conftest import EXAMPLES_DATE, PROJECT, commit, git, run_eta
from eta.cli import app
from eta.cli.common import FormatOption, TextOrJson
from eta.contracts import CONTRACTS, Contract
from eta.contracts.schemas import OUTPUT_FOLDER, expected_schemas
from plan_helpers import example_key, make_key, replace_in

#: Every command named by a contract, and its contract.
CONTRACT_OF: dict[str, Contract] = {
    command: contract for contract in CONTRACTS.values() for command in contract.commands}


def commands_offering_json(application: typer.Typer) -> list[str]:
    """Every command of `application` (as typed, `plan status`) whose `--format` takes json."""

    def walk(command: Any, path: tuple[str, ...]) -> Iterator[str]:
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                yield from walk(sub, (*path, name))
            return
        for parameter in command.params:
            if "--format" in parameter.opts:
                choices = parameter.type_descriptor.choices or ()
                if "json" in {str(choice) for choice in choices}:
                    yield " ".join(path)

    return sorted(walk(typer.main.get_command(application), ()))


def test_every_command_that_offers_json_is_named_by_one_contract() -> None:
    named = [command for contract in CONTRACTS.values() for command in contract.commands]
    assert len(named) == len(set(named)), "a command is named by two contracts"
    assert sorted(named) == commands_offering_json(app)


def test_the_walk_finds_a_command_that_offers_json_and_passes_over_one_that_does_not(
) -> None:
    group = typer.Typer(name="thing")

    @group.command("show")
    def show(output_format: FormatOption = TextOrJson.TEXT) -> None:
        """Show a thing."""

    @group.command("draw")
    def draw(output_format: Annotated[str, typer.Option("--format")] = "svg") -> None:
        """Draw a thing."""

    whole = typer.Typer()
    whole.add_typer(group)

    @whole.command("count")
    def count() -> None:
        """Count things."""

    assert commands_offering_json(whole) == ["thing show"]


def command_of(args: tuple[str, ...]) -> str:
    """The command `args` run, as contracts name it: `plan status`, `check`."""
    for length in (2, 1):
        name = " ".join(args[:length])
        if name in CONTRACT_OF:
            return name
    raise AssertionError(f"`eta {' '.join(args)}` is named by no contract")


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (PROJECT / OUTPUT_FOLDER / CONTRACTS[name].schema_file).read_text(encoding="utf-8"))
    return loaded


def problems_of(contract: Contract, document: Any) -> list[str]:
    """Where `document` breaks its contract's schema, or carries another version."""
    validator = jsonschema.Draft202012Validator(schema(contract.name),
                                                format_checker=jsonschema.FormatChecker())
    found = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
             for e in validator.iter_errors(document)]
    if not isinstance(document, dict) or document.get("version") != contract.version:
        found.append(f"the document does not carry version {contract.version}")
    return found


def printed_json(root: Path, *args: str) -> tuple[Contract, Any]:
    """Run `eta ARGS --format json` in `root`; its contract and the document it printed."""
    outcome = run_eta(*args, "--format", "json", cwd=root)
    assert outcome.exit_code in (0, 1), f"eta {' '.join(args)}: {outcome.stderr}"
    return CONTRACT_OF[command_of(args)], json.loads(outcome.stdout)


@pytest.mark.parametrize("path", sorted(expected_schemas(PROJECT)), ids=lambda p: p.name)
def test_the_checked_in_schemas_are_generated_from_the_shapes(path: Path) -> None:
    assert path.is_file(), f"{path.name} is missing: run `make schemas`"
    assert path.read_text(encoding="utf-8") == expected_schemas(PROJECT)[path], (
        f"{path.name} differs from its shape: run `make schemas`")


def test_no_schema_lies_there_without_a_contract() -> None:
    found = {p.name for p in (PROJECT / OUTPUT_FOLDER).iterdir()}
    assert found == {c.schema_file for c in CONTRACTS.values()}


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_each_schema_is_a_valid_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))


# -- On the example records -----------------------------------------------------------------

INCIDENT = "2026-11-16-q738dq"
AT = "2026-11-28T12:00"


def evaluated(root: Path) -> None:
    """R2026-01 as its evaluation left it, committed."""
    replace_in(root / "releases/R2026-01/release.yaml", "status: in_realisation",
               "status: evaluated")
    git(root, "commit", "-qam", "Evaluated")


def signed_by_every_party(root: Path) -> None:
    for party, representative in (("kenniskaart", "lvisser"), ("tokenfabriek", "nmulder")):
        assert run_eta("plan", "sign", "R2026-02", "--party", party, "--key",
                       str(example_key(party, representative)), cwd=root).exit_code == 0


def a_new_key(root: Path) -> None:
    """A key made by ssh-keygen beside the repository, in ../keys/new."""
    make_key(root.parent / "keys", "new")


def added_key(root: Path) -> None:
    """logius's mvanderberg holds the new key besides the example one."""
    a_new_key(root)
    assert run_eta("party", "add-key", "logius", "mvanderberg", "--key-file",
                   "../keys/new.pub", cwd=root).exit_code == 0


def fingerprint(key: Path) -> str:
    return subprocess.run(["ssh-keygen", "-l", "-f", f"{key}.pub"], check=True,
                          capture_output=True, text=True).stdout.split()[1]


Step = Callable[[Path], None]

#: The commands whose JSON output is validated on the example records (in git), each after
#: what must come first.
EXAMPLE_RUNS: list[tuple[tuple[Step, ...], tuple[str, ...]]] = [
    ((), ("check", "--today", EXAMPLES_DATE)),
    ((), ("check", "--today", "2027-06-01", "--base", "HEAD")),
    *[((), ("plan", "status", release, "--today", EXAMPLES_DATE))
      for release in ("R2026-01", "R2026-02", "R2026-03")],
    ((), ("history", "logius")),
    ((), ("history", f"incidents/{INCIDENT}.yaml")),
    ((), ("agenda", "--today", EXAMPLES_DATE)),
    ((), ("agenda", "--party", "logius", "--days", "400", "--today", "2026-01-01")),
    ((), ("rules",)),
    ((), ("rules", "plan.signature.stale")),
    ((), ("incident", "list", "--now", "2026-11-28T12:00:00+01:00")),
    ((), ("incident", "list", "--open", "--now", "2026-11-17T12:00:00+01:00")),
    ((), ("incident", "show", INCIDENT, "--now", AT)),
    ((), ("incident", "show", "2026-02-10-bq1pzv", "--today", EXAMPLES_DATE)),
    ((), ("incident", "new", "--title", "Storing", "--type", "verstoring", "--reporter",
          "sleutelbrug", "--affected", "kenniskaart", "--detected-at", "2026-11-28T10:00",
          "--now", AT)),
    ((), ("incident", "classify", INCIDENT, "--today", EXAMPLES_DATE)),
    ((), ("incident", "classify", INCIDENT, "--reason", "Opnieuw bekeken", "--now", AT)),
    ((), ("incident", "update", INCIDENT, "--major-image-impact", "no", "--now", AT)),
    ((), ("incident", "log", INCIDENT, "Nagebeld met KennisKaart", "--now", AT)),
    ((), ("report", "availability", "--month", "2026-10", "--today", EXAMPLES_DATE)),
    ((), ("report", "availability", "--month", "2026-11", "--now", "2026-11-20T12:00")),
    ((), ("report", "month", "--month", "2026-10", "--today", EXAMPLES_DATE)),
    ((), ("report", "month", "--month", "2026-11", "--now", "2026-11-20T12:00")),
    ((), ("release", "list", "--today", EXAMPLES_DATE)),
    *[((), ("release", "show", release, "--today", EXAMPLES_DATE))
      for release in ("R2026-01", "R2026-02", "R2026-03")],
    ((), ("party", "list", "--today", EXAMPLES_DATE)),
    ((), ("party", "show", "logius", "--today", EXAMPLES_DATE)),
    ((), ("release", "new", "R2027-09", "--title", "Nieuw")),
    ((), ("release", "decide", "R2026-03", "--on", "2026-11-20")),
    ((signed_by_every_party,), ("release", "advance", "R2026-02")),
    ((evaluated,), ("release", "reopen", "R2026-01", "--reason", "Ketentest overdoen.")),
    ((), ("release", "communication-plan", "R2026-03", "--delivered-on", "2026-11-20",
          "--summary", "Nieuwsbrief")),
    ((), ("release", "rollout", "R2026-01", "--planned-on", "2027-03-01")),
    ((), ("release", "evaluation", "R2026-01", "--held-on", "2026-11-20", "--participant",
          "logius")),
    ((), ("plan", "add-party", "R2026-03", "--party", "volmacht", "--contact-name",
          "Anouk Dekker", "--contact-email", "a.dekker@volmacht.example.nl")),
    ((), ("plan", "contact", "R2026-02", "--party", "kenniskaart", "--name", "Lotte Visser",
          "--email", "l.visser@kenniskaart.example.nl")),
    ((), ("plan", "impact", "R2026-02", "--party", "kenniskaart", "--level", "low",
          "--summary", "Weinig")),
    ((), ("plan", "planning", "R2026-02", "--party", "kenniskaart", "--summary", "Q3",
          "--ready-on", "2027-08-31")),
    ((), ("plan", "add-measure", "R2026-02", "--party", "kenniskaart", "--description",
          "Testen", "--deadline", "2027-08-31")),
    ((), ("plan", "add-milestone", "R2026-02", "--date", "2027-05-01", "--title", "Test")),
    ((), ("plan", "deadline", "R2026-02", "--date", "2027-09-30", "--title", "Klaar")),
    ((), ("plan", "remove-party", "R2026-02", "grensweg")),
    ((), ("plan", "remove-measure", "R2026-02", "wallet-middel", "--party", "kenniskaart")),
    ((), ("plan", "remove-milestone", "R2026-02", "ketentest")),
    ((), ("plan", "remove-deadline", "R2026-02", "implementatie-gereed")),
    ((), ("plan", "sign", "R2026-02", "--party", "kenniskaart", "--key",
          str(example_key("kenniskaart", "lvisser")))),
    ((), ("plan", "measure-status", "R2026-01", "sleutelrollover", "done", "--party",
          "poortwachter", "--on", "2026-11-24")),
    ((), ("plan", "milestone-done", "R2026-01", "ketentest", "--on", "2026-11-24")),
    ((), ("plan", "join", "R2026-01", "--party", "poortwachter", "--on", "2026-11-24")),
    ((), ("party", "new", "nieuwkomer", "--name", "Nieuwkomer B.V.", "--role",
          "herkenningsmakelaar")),
    ((), ("party", "add-contact", "volmacht", "--name", "Kees de Vries", "--email",
          "k.devries@volmacht.example.nl")),
    ((), ("party", "end-representative", "volmacht", "adekker", "--on", "2026-04-20")),
    ((a_new_key,), ("party", "add-representative", "tokenfabriek", "--id", "ikramer",
                    "--name", "Ilse Kramer", "--email", "i.kramer@tokenfabriek.example.nl",
                    "--key-file", "../keys/new.pub", "--valid-from", "2026-11-01")),
    ((a_new_key,), ("party", "add-key", "logius", "mvanderberg", "--key-file",
                    "../keys/new.pub")),
    ((added_key,), ("party", "revoke-key", "logius", "mvanderberg",
                    fingerprint(example_key("logius", "mvanderberg")))),
]


def _run_id(run: tuple[tuple[Step, ...], tuple[str, ...]]) -> str:
    return " ".join(run[1])


def test_every_command_offering_json_is_run_on_the_example_records() -> None:
    assert sorted({command_of(args) for _, args in EXAMPLE_RUNS}) == sorted(CONTRACT_OF)


@pytest.fixture
def history_repo(git_repo: Path) -> Path:
    edit(git_repo, "afspraken/parties/logius.yaml", "name: ", "name:  ")
    commit(git_repo, "Reflow the name", "2026-03-03T10:00:00+01:00")
    return git_repo


@pytest.mark.parametrize("run", EXAMPLE_RUNS, ids=_run_id)
def test_each_output_carries_its_version_and_matches_its_schema(
    history_repo: Path, run: tuple[tuple[Step, ...], tuple[str, ...]]
) -> None:
    before, args = run
    for step in before:
        step(history_repo)
    contract, document = printed_json(history_repo, *args)
    assert problems_of(contract, document) == []


def test_classify_carries_every_criterion_the_unknown_facts_and_what_could_raise_the_class(
        git_repo: Path) -> None:
    _, document = printed_json(git_repo, "incident", "classify", INCIDENT, "--now", AT)
    explained = run_eta("incident", "classify", INCIDENT, "--explain", "--now", AT,
                        cwd=git_repo).stdout
    assert document["class"] == "calamiteit" == explained.split("\n")[0].split(": ")[1]
    criteria = [criterion["id"] for criterion in document["criteria"]]
    assert criteria == ["C1", "C2", "C3", "C4", "C5", "K1", "K2", "K3", "K4"]
    for criterion in document["criteria"]:
        # What the text shows of each criterion, the document holds: verdict and grounds.
        assert (f"  {criterion['id']:<3} {criterion['verdict']:<8} \"{criterion['text']}\"\n"
                f"      {criterion['grounds']}\n") in explained
    assert [c["id"] for c in document["criteria"] if c["verdict"] == "met"] == ["C2", "C4"]
    assert document["unknown_facts"] == ["facts.major_image_impact"]
    assert "Facts not yet known: facts.major_image_impact\n" in explained
    assert document["could_raise"] == [{"class": "crisis", "criteria": ["K1"]}]
    assert "Could still raise the class to crisis: K1\n" in explained
    assert [c["needs"] for c in document["criteria"] if c["verdict"] == "unknown"] == [
        ["facts.major_image_impact"]]
    assert document["recorded"] is None


def test_the_schema_refuses_a_document_that_breaks_it(history_repo: Path) -> None:
    outcome = run_eta("check", "--format", "json", "--today", "2027-06-01", cwd=history_repo)
    document = json.loads(outcome.stdout)
    assert document["diagnostics"], "the example records fall due by then"
    document["diagnostics"][0]["severity"] = "fatal"
    document["surprise"] = True
    validator = jsonschema.Draft202012Validator(schema("check"))
    assert sorted(e.message for e in validator.iter_errors(document)) == [
        "'fatal' is not one of ['error', 'warning']",
        "Additional properties are not allowed ('surprise' was unexpected)",
    ]


def test_a_classification_with_a_verdict_eta_does_not_give_breaks_its_contract(
        git_repo: Path) -> None:
    contract, document = printed_json(git_repo, "incident", "classify", INCIDENT, "--now", AT)
    document["criteria"][0]["verdict"] = "probably"
    del document["unknown_facts"]
    document["version"] = 2
    assert sorted(problems_of(contract, document)) == [
        ": 'unknown_facts' is a required property",
        "criteria/0/verdict: 'probably' is not one of ['met', 'not met', 'unknown']",
        "the document does not carry version 1",
        "version: 1 was expected",
    ]


# -- On a records repository made from nothing --------------------------------------------


def test_every_output_of_a_repository_made_with_eta_matches_its_contract(
        tmp_path: Path) -> None:
    """From `eta init` through a release's whole process and an incident, every command
    that offers `--format json` is run with it, and each document is validated."""
    keys = tmp_path / "keys"
    signers = {name: make_key(keys, name) for name in ("jvermeulen", "lvisser", "spare")}
    root = tmp_path / "eherkenning"
    assert run_eta("init", str(root), "--organisation", "logius", "--organisation-name",
                   "Logius", "-q", cwd=tmp_path).exit_code == 0
    ran: set[str] = set()

    def json_of(*args: str) -> Any:
        contract, document = printed_json(root, *args)
        problems = problems_of(contract, document)
        assert problems == [], f"eta {' '.join(args)}: {problems}"
        ran.add(command_of(args))
        return document

    json_of("party", "add-contact", "logius", "--name", "Femke Hoekstra", "--email",
            "f.hoekstra@beheer.example.nl", "--function", "releasemanager")
    json_of("party", "new", "sleutelbrug", "--name", "Sleutelbrug Toegang B.V.", "--role",
            "herkenningsmakelaar")
    json_of("party", "new", "kenniskaart", "--name", "KennisKaart Authenticatie N.V.",
            "--role", "authenticatiedienst", "--role", "middelenuitgever")
    for party, representative, name in (("sleutelbrug", "jvermeulen", "Joost Vermeulen"),
                                        ("kenniskaart", "lvisser", "Lotte Visser")):
        json_of("party", "add-representative", party, "--id", representative, "--name", name,
                "--email", f"{representative}@{party}.example.nl", "--key-file",
                f"{signers[representative]}.pub", "--valid-from", "2026-01-01")
    json_of("party", "add-key", "kenniskaart", "lvisser", "--key-file",
            f"{signers['spare']}.pub")
    assert json_of("party", "revoke-key", "kenniskaart", "lvisser",
                   fingerprint(signers["spare"]))["written"] == [
        "afspraken/parties/kenniskaart.yaml"]
    json_of("party", "end-representative", "kenniskaart", "lvisser", "--on", "2030-12-31")
    assert [p["id"] for p in json_of("party", "list")["parties"]] == [
        "kenniskaart", "logius", "sleutelbrug"]
    json_of("party", "show", "kenniskaart")

    release = "R2027-01"
    json_of("release", "new", release, "--title", "Afsprakenstelsel 1.17",
            "--chain-dependencies", "--framework-version", "1.17")
    json_of("release", "decide", release, "--on", "2026-11-24")
    for party, representative in (("sleutelbrug", "jvermeulen"), ("kenniskaart", "lvisser")):
        json_of("plan", "add-party", release, "--party", party, "--contact-name",
                representative, "--contact-email", f"{representative}@{party}.example.nl")
        json_of("plan", "contact", release, "--party", party, "--name", representative,
                "--email", f"{representative}@{party}.example.nl")
        json_of("plan", "impact", release, "--party", party, "--level", "low", "--summary",
                "Weinig")
        json_of("plan", "planning", release, "--party", party, "--summary", "Bouw in Q1",
                "--ready-on", "2027-03-31")
        for measure in ("bouwen", "weg"):
            json_of("plan", "add-measure", release, "--party", party, "--description",
                    measure, "--deadline", "2027-03-31", "--id", measure)
        json_of("plan", "remove-measure", release, "weg", "--party", party)
    for kept in ("ketentest", "weg"):
        json_of("plan", "add-milestone", release, "--date", "2027-05-01", "--title", kept,
                "--party", "sleutelbrug", "--party", "kenniskaart", "--id", kept)
        json_of("plan", "deadline", release, "--date", "2027-09-30", "--title", kept,
                "--id", f"{kept}-gereed")
    json_of("plan", "add-party", release, "--party", "logius", "--contact-name", "Femke",
            "--contact-email", "f.hoekstra@beheer.example.nl")
    assert json_of("plan", "remove-party", release, "logius")["removed"] == [
        f"releases/{release}/parties/logius.yaml"]
    json_of("plan", "remove-milestone", release, "weg")
    json_of("plan", "remove-deadline", release, "weg-gereed")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The draft plan")
    for party, representative in (("sleutelbrug", "jvermeulen"), ("kenniskaart", "lvisser")):
        json_of("plan", "sign", release, "--party", party, "--key", str(signers[representative]))
    assert json_of("plan", "status", release)["plan"]["in_force"] is True
    json_of("release", "advance", release)
    json_of("release", "advance", release)
    for party in ("sleutelbrug", "kenniskaart"):
        json_of("plan", "measure-status", release, "bouwen", "done", "--party", party,
                "--on", "2026-12-01")
        json_of("plan", "join", release, "--party", party, "--on", "2026-12-01")
    json_of("plan", "milestone-done", release, "ketentest", "--on", "2026-12-01")
    json_of("release", "communication-plan", release, "--delivered-on", "2026-12-01",
            "--summary", "Nieuwsbrief")
    json_of("release", "rollout", release, "--planned-on", "2026-12-01", "--completed-on",
            "2026-12-01")
    json_of("release", "advance", release)
    json_of("release", "evaluation", release, "--held-on", "2026-12-01", "--participant",
            "sleutelbrug")
    json_of("release", "advance", release)
    assert json_of("release", "reopen", release, "--reason", "Opnieuw")["summary"] == (
        f"release {release}: evaluated -> rolled_out, reopened: Opnieuw")
    assert [r["status"] for r in json_of("release", "list")["releases"]] == ["rolled_out"]
    json_of("release", "show", release)

    incident = json_of("incident", "new", "--title", "Storing", "--type", "verstoring",
                       "--reporter", "sleutelbrug", "--affected", "kenniskaart",
                       "--detected-at", "2026-11-30T10:00", "--reported-at",
                       "2026-11-30T10:05", "--now", "2026-11-30T10:06")["id"]
    json_of("incident", "log", incident, "Onderzoek gestart", "--at", "2026-11-30T10:10",
            "--now", "2026-11-30T10:11")
    json_of("incident", "update", incident, "--status", "in_progress",
            "--direct-serious-hindrance", "yes", "--now", "2026-11-30T10:12")
    classified = json_of("incident", "classify", incident, "--now", "2026-11-30T10:13")
    assert (classified["class"], classified["recorded"]["classification"]) == ("calamiteit", 1)
    json_of("incident", "show", incident, "--now", "2026-11-30T10:14")
    json_of("incident", "list", "--now", "2026-11-30T10:14")
    json_of("agenda", "--today", "2026-11-30")
    json_of("report", "availability", "--month", "2026-11", "--now", "2026-11-30T10:15")
    json_of("report", "month", "--month", "2026-11", "--now", "2026-11-30T10:15")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The release's process and an incident")
    json_of("history", "afspraken/parties/kenniskaart.yaml")
    json_of("check", "--today", "2026-11-30")
    json_of("rules", "plan.signature.stale")
    assert sorted(ran) == sorted(CONTRACT_OF)
