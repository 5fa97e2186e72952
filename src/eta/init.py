"""`eta init`: a new, empty records repository that passes `eta check`.

It holds the folders, the JSON Schemas, the agreements (the Beheerorganisatie as the first
party; the service levels and the incident criteria as this version of eta ships them), a
GitHub Actions workflow that runs `eta check --base` on every pull request, and a
pre-commit configuration. The templates live in `eta/skeleton/`; eta's own repository
holds copies of them, and a test keeps the two the same.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from eta import __version__
from eta.errors import EtaError

WORKFLOW = ".github/workflows/eta-check.yml"
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
_KEEP = ".gitkeep"
#: The branch a repository made by `eta init` starts on.
INITIAL_BRANCH = "main"
#: The repository that publishes eta and its action (`action.yml` at its root).
ACTION_REPOSITORY = "eherkenning/eta"
#: What `uses:` may name: a repository (and a folder in it) at a tag, branch or commit, or a
#: folder of the repository itself. Nothing that could end the YAML value or start another.
_ACTION_REFERENCE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}(/[A-Za-z0-9._-]+)*"
    r"@[A-Za-z0-9][A-Za-z0-9._/-]{0,99}|\./([A-Za-z0-9._-]+/)*")


@dataclass(frozen=True, slots=True)
class Organisation:
    """The Beheerorganisatie, the first party of the register."""

    id: str = "logius"
    name: str = "Logius, Beheerorganisatie eHerkenning"
    contact_name: str | None = None
    contact_email: str | None = None


def skeleton_text(name: str) -> str:
    return resources.files("eta").joinpath("skeleton", name).read_text(encoding="utf-8")


def default_action() -> str:
    """eta's action at the tag of this version of eta."""
    return f"{ACTION_REPOSITORY}@v{__version__}"


def workflow_text(action: str, branch: str = INITIAL_BRANCH) -> str:
    """The GitHub Actions workflow: eta's `action` on every pull request and every push to
    `branch`."""
    if not _ACTION_REFERENCE.fullmatch(action):
        raise EtaError(f"{action!r} is not an action eta can write into the workflow "
                       "(OWNER/REPO@TAG)")
    text = skeleton_text("eta-check.yml").replace("{eta_action}", action)
    # A branch name as a YAML string: JSON's double-quoted strings are YAML's too.
    return text.replace("branches: [main]", f"branches: [{json.dumps(branch)}]")


def planned_files(organisation: Organisation, action: str, branch: str
                  ) -> dict[str, str | None]:
    """Every file `eta init` writes, by its path; None for a party built from data."""
    return {
        f"afspraken/parties/{organisation.id}.yaml": None,
        "afspraken/service-levels.yaml": skeleton_text("service-levels.yaml"),
        "afspraken/criteria.yaml": skeleton_text("criteria.yaml"),
        f"releases/{_KEEP}": "",
        f"incidents/{_KEEP}": "",
        WORKFLOW: workflow_text(action, branch),
        PRE_COMMIT_CONFIG: skeleton_text("pre-commit-config.yaml"),
    }


def init_repository(target: Path, organisation: Organisation, action: str
                    ) -> tuple[list[str], bool]:
    """Write a new records repository at `target`, making it a git repository unless it
    lies in one; returns the files written and whether a git repository was made.

    Nothing is written when any of the files exists already, or the party would not be
    a valid record.
    """
    from eta.editing import Changeset
    from eta.git import current_branch, ensure_repository
    from eta.journal import write_together
    from eta.schemas import expected_schemas

    if target.exists() and not target.is_dir():
        raise EtaError(f"{target} exists and is no folder")
    # The workflow triggers on the branch the repository has; before git exists, that is
    # the one `ensure_repository` will make.
    branch = (current_branch(target) if target.is_dir() else None) or INITIAL_BRANCH
    files = planned_files(organisation, action, branch)
    schemas = expected_schemas(target)
    existing = sorted(name for name in [*files, *(str(p.relative_to(target)) for p in schemas)]
                      if (target / name).exists())
    if existing:
        raise EtaError(f"{target} holds records or eta files already ({', '.join(existing)}); "
                       "eta init writes only into a new or empty repository")
    party = Changeset(target)
    party.create(target / f"afspraken/parties/{organisation.id}.yaml", _party(organisation))
    texts = {**schemas, **{target / name: content for name, content in files.items()
                           if content is not None}, **party.texts}
    target.mkdir(parents=True, exist_ok=True)
    # git first, so that the change is written with the lock and journal in git's folder.
    made = ensure_repository(target, INITIAL_BRANCH)
    write_together(target, texts)
    return sorted(p.relative_to(target).as_posix() for p in texts), made


def _party(organisation: Organisation) -> dict[str, object]:
    data: dict[str, object] = {
        "id": organisation.id,
        "name": organisation.name,
        "roles": ["beheerorganisatie"],
    }
    if organisation.contact_name or organisation.contact_email:
        data["contacts"] = [{"name": organisation.contact_name,
                             "email": organisation.contact_email}]
    return data
