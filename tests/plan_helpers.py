"""What the tests of signing, plans and releases share: keys, diffs, snapshots."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import EXAMPLE_KEYS, git
from eta import signing
from eta.plans.digest import plan_digest
from eta.plans.state import load_release

AMS = ZoneInfo("Europe/Amsterdam")


def make_key(folder: Path, name: str, key_type: str = "ed25519", bits: int | None = None
             ) -> Path:
    """A new SSH key pair made by ssh-keygen; returns the private key's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    command = ["ssh-keygen", "-q", "-t", key_type, "-N", "", "-C", name, "-f", str(path)]
    if bits is not None:
        command += ["-b", str(bits)]
    subprocess.run(command, check=True, capture_output=True)
    return path


def example_key(party: str, representative: str) -> Path:
    return EXAMPLE_KEYS / f"{party}-{representative}"


def public_line(key: Path) -> str:
    return key.with_name(key.name + ".pub").read_text().strip()


def changed_lines(root: Path) -> str:
    """The work tree's change against the index, as hunks without context: exactly the lines
    that changed, and where."""
    git(root, "add", "-N", ".")
    diff = git(root, "diff", "-U0", "--no-color")
    kept = []
    for line in diff.splitlines():
        if line.startswith("+++ b/"):
            kept.append(line.removeprefix("+++ b/") + ":")
        elif not line.startswith(("diff --git", "index ", "--- ", "+++ ", "new file mode")):
            kept.append(line)
    return "\n".join(kept) + "\n"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below `root` with its bytes, but for git's folder and eta's lock and
    journal outside git (.eta/)."""
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file() and not {".git", ".eta"} & set(path.relative_to(root).parts)}


def current_digest(root: Path, release: str) -> str:
    files = load_release(root, release)
    assert files.plan is not None
    plan = files.plan.record
    from eta.models.release import Plan, Release

    assert isinstance(plan, Plan)
    assert files.release is not None and isinstance(files.release.record, Release)
    return plan_digest(files.release.record, plan, files.plan_parties)


def write_signature(root: Path, release: str, party: str, representative: str, key: Path,
                    signed_at: dt.datetime, digest: str | None = None) -> Path:
    """A signature file made by hand, as someone could without eta's checks."""
    return write_signature_with(
        root, release, party, representative, signed_at,
        lambda message: signing.sign(message, signing.signing_key(str(key), cwd=root)),
        signing.PublicKey.from_openssh(public_line(key)).fingerprint, digest)


def write_signature_with(root: Path, release: str, party: str, representative: str,
                         signed_at: dt.datetime, sign: Callable[[bytes], str],
                         fingerprint: str, digest: str | None = None) -> Path:
    """A signature file whose signature `sign` makes, from the message to sign."""
    stamp = signed_at.isoformat()
    digest = digest or current_digest(root, release)
    message = signing.signing_message(release=release, party=party,
                                      representative=representative, signed_at=stamp,
                                      digest=digest)
    body = "".join(f"  {line}\n" for line in sign(message).splitlines())
    path = root / "releases" / release / "signatures" / f"{party}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# yaml-language-server: $schema=../../../schemas/signature.schema.json\n"
        f"release: {release}\nparty: {party}\nrepresentative: {representative}\n"
        f"signed_at: {stamp}\ndigest: {digest}\nkey: {fingerprint}\nsignature: |\n{body}")
    return path


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
