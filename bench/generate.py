"""Generate a synthetic records repository for the benchmark.

    python bench/generate.py DIR [--parties 60] [--releases 300] [--incidents 10000]
                                 [--commits 5000] [--broken-percent 1] [--seed 7]

The repository has the agreements of this project, `--parties` generated parties with
their own SSH keys, releases with implementation plans, incidents of about 60 lines each,
and a git history of `--commits` commits built with `git fast-import`. A share of the
record files is broken in the ways `eta check` must report; their names are listed in
`DIR/.bench-broken`, one a line, so the benchmark can verify every one is reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
ROLES = ("herkenningsmakelaar", "authenticatiedienst", "machtigingenregister",
         "middelenuitgever", "eidas-berichtenservice", "bsnk")
TYPES = ("verstoring", "informatiebeveiligingsincident", "fraude")
AMSTERDAM_WINTER = dt.timezone(dt.timedelta(hours=1))
BROKEN_FILE_LIST = ".bench-broken"
MAX_INCIDENT_COMMITS = 5_000


def party_ids(count: int) -> list[str]:
    return ["logius"] + [f"partij-{n:03d}" for n in range(1, count)]


def make_keys(count: int, folder: Path) -> list[str]:
    keys = []
    for n in range(count):
        key = folder / f"key-{n}"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"bench-{n}",
                        "-f", str(key)], check=True)
        keys.append(key.with_suffix(".pub").read_text().strip())
    return keys


def party_text(party: str, n: int, key: str) -> str:
    role = "beheerorganisatie" if party == "logius" else ROLES[n % len(ROLES)]
    return f"""\
# yaml-language-server: $schema=../../schemas/party.schema.json
id: {party}
name: {party.title()} B.V.
roles:
  - {role}
contacts:
  - name: Servicedesk {party}
    email: servicedesk@{party}.example.nl
    phone: "+31 30 000 {n:04d}"
    function: servicedesk
    available_24x7: true
representatives:
  - id: directie
    name: Directeur {party}
    email: directie@{party}.example.nl
    keys:
      - {key}
    valid_from: 2024-01-01
"""


def release_files(n: int, parties: list[str], rng: random.Random) -> dict[str, str]:
    release = f"R{2020 + n // 60}-{n % 60 + 1:02d}"
    chosen = rng.sample(parties[1:], 4)
    base = f"releases/{release}"
    party_lines = "".join(f"  - {p}\n" for p in chosen)
    files = {f"{base}/release.yaml": f"""\
# yaml-language-server: $schema=../../schemas/release.schema.json
id: {release}
title: Release {release} van het afsprakenstelsel
framework_version: "1.{n % 40 + 10}"
chain_dependencies: true
releasemanager:
  name: Femke Hoekstra
  email: f.hoekstra@beheer.example.nl
changes:
  - id: W{n}-1
    title: Aanpassing van de koppelvlakspecificatie {n}
  - id: W{n}-2
    title: Nieuwe eisen aan de logging {n}
status: draft
""", f"{base}/plan.yaml": f"""\
# yaml-language-server: $schema=../../schemas/plan.schema.json
release: {release}
parties:
{party_lines}milestones:
  - id: M1
    date: 2027-03-01
    title: Testomgeving gereed
    parties: [{", ".join(chosen)}]
deadlines:
  - id: D1
    date: 2027-06-01
    title: Productie-uitrol gereed
"""}
    for p in chosen:
        files[f"{base}/parties/{p}.yaml"] = f"""\
# yaml-language-server: $schema=../../../schemas/plan-party.schema.json
party: {p}
contact:
  name: Projectleider {p}
  email: projecten@{p}.example.nl
impact_analysis:
  summary: Aanpassing van twee koppelvlakken en de logging.
  level: medium
  components:
    - koppelvlak
    - logging
planning:
  summary: Bouw in het eerste kwartaal, test in het tweede.
  ready_on: 2027-05-01
measures:
  - id: {p}-1
    description: Koppelvlak aanpassen aan de nieuwe specificatie.
    deadline: 2027-04-01
  - id: {p}-2
    description: Logging uitbreiden.
    deadline: 2027-04-15
"""
    return files


def incident_text(number: int, parties: list[str], rng: random.Random) -> tuple[str, str]:
    day = dt.datetime(2024, 1, 1, 8, tzinfo=AMSTERDAM_WINTER) + dt.timedelta(
        hours=rng.randrange(0, 24 * 365 * 2))
    incident_id = f"INC-{day:%Y%m%d}-{number:05d}"
    reporter = rng.choice(parties[1:])

    def at(minutes: int) -> str:
        return (day + dt.timedelta(minutes=minutes)).isoformat()

    timeline = "".join(
        f"  - at: {at(15 * k + 5)}\n    by: Servicedesk {reporter}\n"
        f"    text: Stap {k + 1} - onderzoek naar de oorzaak loopt, klanten zijn geinformeerd.\n"
        for k in range(6)
    )
    return incident_id, f"""\
# yaml-language-server: $schema=../schemas/incident.schema.json
id: {incident_id}
title: Vertraging bij het inloggen via {reporter} ({number})
type: {TYPES[number % 3]}
reporter: {reporter}
affected:
  - {reporter}
priority: P3
status: closed
times:
  detected: {at(0)}
  reported: {at(4)}
  started: {at(0)}
  resolved: {at(100)}
facts:
  expected_end: {at(100)}
  direct_serious_hindrance: false
  confidentiality_integrity_impact: false
  reportable_data_breach: false
  major_image_impact: false
  political_implications: false
  fundamental_vulnerability: false
classifications:
  - class: incident
    criteria: []
    facts:
      expected_end: {at(100)}
      direct_serious_hindrance: false
      confidentiality_integrity_impact: false
      reportable_data_breach: false
      major_image_impact: false
      political_implications: false
      fundamental_vulnerability: false
    at: {at(30)}
    by: Incidentmanager eHerkenning
timeline:
{timeline}resolution: Een overbelaste server is herstart; de oorzaak is weggenomen.
"""


#: Ways to break a record that `eta check` must report, each a function of the text.
BREAKAGES = (
    lambda text: text.replace("title:", "titel:", 1),
    lambda text: text.replace("priority: P3", "priority: P9"),
    lambda text: text.replace("  - class: incident", "  - class: incident\n\tcriteria: x"),
    lambda text: text + "status: new\n",
    lambda text: text.replace("    by: ", "    by: [", 1),
    lambda text: text.replace("T", "X", 1).replace("detected: 20", "detected: 2x20"),
    lambda text: text.replace("reporter: partij", "reporter: onbekend-partij"),
    lambda text: "",
)


def generate(target: Path, parties: int, releases: int, incidents: int, commits: int,
             broken_percent: float, seed: int) -> None:
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    ids = party_ids(parties)
    with tempfile.TemporaryDirectory() as keys_folder:
        keys = make_keys(len(ids), Path(keys_folder))
    agreements = {
        f"afspraken/{name}": (PROJECT / "afspraken" / name).read_text()
        for name in ("service-levels.yaml", "criteria.yaml")
    }
    agreements.update({f"afspraken/parties/{p}.yaml": party_text(p, n, keys[n])
                       for n, p in enumerate(ids)})
    release_sets = [release_files(n, ids, rng) for n in range(releases)]
    incident_texts = dict(incident_text(n, ids, rng) for n in range(incidents))

    broken: dict[str, str] = {}
    for n, (incident_id, text) in enumerate(incident_texts.items()):
        if rng.random() * 100 < broken_percent:
            broken[f"incidents/{incident_id}.yaml"] = BREAKAGES[n % len(BREAKAGES)](text)

    schemas = {f"schemas/{p.name}": p.read_text() for p in (PROJECT / "schemas").glob("*.json")}
    # Every commit writes the trees of the folders it changes, and `incidents/` holds one
    # entry per incident: 50,000 commits of a few incidents each into a folder of 100,000
    # made `git fast-import` run for hours. So the incidents arrive in at most
    # MAX_INCIDENT_COMMITS commits, and the edits of the followed incident come right after
    # the first, while that folder is small.
    incident_items = [(f"incidents/{i}.yaml", t) for i, t in incident_texts.items()]
    incident_commits = min(max(commits - 3 - releases, 1), MAX_INCIDENT_COMMITS)
    per_commit = max(1, -(-len(incident_items) // incident_commits))
    chunks = [(f"Incidents {start + 1} to {min(start + per_commit, len(incident_items))}",
               dict(incident_items[start:start + per_commit]))
              for start in range(0, len(incident_items), per_commit)]
    # Each edit numbers the resolution anew, so the record stays its size however long the
    # history is.
    followed, text = incident_items[0]
    edit_count = max(commits - 2 - releases - len(chunks), 0)
    batches: list[tuple[str, dict[str, str]]] = [
        ("Agreements and register of parties", {**agreements, **schemas}),
        *((f"Release {next(iter(rs)).split('/')[1]}", rs) for rs in release_sets),
        chunks[0],
        *((f"Update {followed}",
           {followed: text.replace("resolution: ", f"resolution: Bijgewerkt ({n}). ", 1)})
          for n in range(1, edit_count + 1)),
        *chunks[1:],
    ]
    batches.append(("Records with mistakes", broken))
    _fast_import(target, batches)
    (target / BROKEN_FILE_LIST).write_text("".join(f"{name}\n" for name in sorted(broken)))
    print(f"{target}: {len(agreements)} agreement files, {sum(map(len, release_sets))} release "
          f"files, {incidents} incidents ({len(broken)} broken), {len(batches)} commits")


def _fast_import(target: Path, batches: list[tuple[str, dict[str, str]]]) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    (target / ".git" / "info" / "exclude").write_text(f"{BROKEN_FILE_LIST}\n")
    stream = _stream(batches)
    process = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=target,
                               stdin=subprocess.PIPE)
    assert process.stdin is not None
    for chunk in stream:
        process.stdin.write(chunk)
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=target, check=True)
    subprocess.run(["git", "commit-graph", "write", "--reachable", "--changed-paths"],
                   cwd=target, check=True, capture_output=True)


def _stream(batches: list[tuple[str, dict[str, str]]]) -> Iterator[bytes]:
    moment = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
    for number, (message, files) in enumerate(batches):
        when = moment + number * 3600
        body = message.encode()
        lines = [b"commit refs/heads/main",
                 f"committer Femke Hoekstra <f.hoekstra@beheer.example.nl> {when} +0100"
                 .encode(),
                 b"data %d" % len(body), body]
        for path, text in files.items():
            data = text.encode()
            lines += [f"M 100644 inline {path}".encode(), b"data %d" % len(data), data]
        yield b"\n".join(lines) + b"\n\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--parties", type=int, default=60)
    parser.add_argument("--releases", type=int, default=300)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=5_000)
    parser.add_argument("--broken-percent", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.target, args.parties, args.releases, args.incidents, args.commits,
             args.broken_percent, args.seed)


if __name__ == "__main__":
    main()
