"""SSH signatures: eta's in-process verifier agrees with `ssh-keygen -Y verify`."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_ssh_private_key

from conftest import git
from eta import signing
from eta.errors import EtaError
from plan_helpers import example_key, make_key, public_line

MESSAGE = signing.signing_message(release="R2026-02", party="volmacht",
                                  representative="adekker",
                                  signed_at="2026-11-20T10:00:00+01:00",
                                  digest="sha256:" + "ab" * 32)

KEY_TYPES = {
    "ed25519": ("ed25519", None),
    "rsa": ("rsa", 2048),
    "ecdsa-p256": ("ecdsa", 256),
    "ecdsa-p384": ("ecdsa", 384),
    "ecdsa-p521": ("ecdsa", 521),
}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    return {name: make_key(folder, name, kind, bits) for name, (kind, bits) in KEY_TYPES.items()}


def ssh_keygen_verifies(armored: str, message: bytes, key: Path,
                        namespace: str = signing.NAMESPACE) -> bool:
    """What ssh-keygen itself says of the signature, with `key` as the allowed signer."""
    folder = key.parent
    (folder / "allowed_signers").write_text(
        f'signer namespaces="{namespace}" {public_line(key)}\n')
    (folder / "signature").write_text(armored)
    result = subprocess.run(
        ["ssh-keygen", "-Y", "verify", "-f", str(folder / "allowed_signers"), "-I", "signer",
         "-n", namespace, "-s", str(folder / "signature")],
        input=message, capture_output=True, check=False)
    return result.returncode == 0


def eta_verifies(armored: str, message: bytes) -> bool:
    try:
        signing.verify(armored, message)
    except signing.BadSignature:
        return False
    return True


def sign(key: Path, message: bytes = MESSAGE, namespace: str = signing.NAMESPACE) -> str:
    return signing.sign(message, signing.signing_key(str(key), cwd=key.parent), namespace)


def armor(blob: bytes) -> str:
    text = base64.b64encode(blob).decode()
    lines = [text[i:i + 70] for i in range(0, len(text), 70)]
    return "-----BEGIN SSH SIGNATURE-----\n" + "\n".join(lines) + "\n-----END SSH SIGNATURE-----\n"


def blob_of(armored: str) -> bytes:
    return base64.b64decode("".join(armored.strip().splitlines()[1:-1]))


def ssh_string(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


@pytest.mark.parametrize("name", KEY_TYPES)
def test_a_good_signature_verifies_in_both(keys: dict[str, Path], name: str) -> None:
    armored = sign(keys[name])
    assert ssh_keygen_verifies(armored, MESSAGE, keys[name])
    key = signing.verify(armored, MESSAGE)
    assert key == signing.PublicKey.from_openssh(public_line(keys[name]))


@pytest.mark.parametrize("name", KEY_TYPES)
def test_fingerprints_are_written_as_ssh_keygen_writes_them(keys: dict[str, Path], name: str
                                                            ) -> None:
    listed = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", str(keys[name])],
                            capture_output=True, text=True, check=True).stdout.split()[1]
    assert signing.fingerprint(public_line(keys[name])) == listed
    assert signing.verify(sign(keys[name]), MESSAGE).fingerprint == listed


def _flip_last_signature_byte(armored: str) -> str:
    blob = bytearray(blob_of(armored))
    blob[-1] ^= 0x01
    return armor(bytes(blob))


def _truncate(armored: str) -> str:
    lines = armored.strip().splitlines()
    return "\n".join([*lines[:2], lines[-1]]) + "\n"


def _drop_bytes(armored: str) -> str:
    return armor(blob_of(armored)[:-7])


def _trailing_bytes(armored: str) -> str:
    return armor(blob_of(armored) + b"\0\0\0\0")


#: Ways to spoil a signature; each returns the signature and the message to check it on.
SPOILERS: dict[str, Callable[[str], tuple[str, bytes]]] = {
    "other message": lambda a: (a, MESSAGE.replace(b"adekker", b"rjansen")),
    "flipped signature byte": lambda a: (_flip_last_signature_byte(a), MESSAGE),
    "truncated text": lambda a: (_truncate(a), MESSAGE),
    "truncated blob": lambda a: (_drop_bytes(a), MESSAGE),
    "trailing data": lambda a: (_trailing_bytes(a), MESSAGE),
    "no armor": lambda a: ("".join(a.strip().splitlines()[1:-1]), MESSAGE),
}


@pytest.mark.parametrize("name", KEY_TYPES)
@pytest.mark.parametrize("spoiler", SPOILERS)
def test_a_bad_signature_fails_in_both(keys: dict[str, Path], name: str, spoiler: str) -> None:
    armored, message = SPOILERS[spoiler](sign(keys[name]))
    assert not ssh_keygen_verifies(armored, message, keys[name])
    assert not eta_verifies(armored, message)


def test_a_signature_for_another_namespace_fails_in_both(keys: dict[str, Path]) -> None:
    armored = sign(keys["ed25519"], namespace="git")
    assert not ssh_keygen_verifies(armored, MESSAGE, keys["ed25519"])
    with pytest.raises(signing.BadSignature) as caught:
        signing.verify(armored, MESSAGE)
    assert str(caught.value) == "the signature is for namespace `git`, not `eta-plan@eherkenning`"


def test_a_foreign_key_is_reported_as_the_key_that_signed(keys: dict[str, Path]) -> None:
    """The signature verifies as made by its own key; whether that key may sign is the
    register's question, and ssh-keygen refuses it for a signer it does not allow."""
    armored = sign(keys["ecdsa-p256"])
    assert not ssh_keygen_verifies(armored, MESSAGE, keys["ed25519"])
    assert signing.verify(armored, MESSAGE).key_type == "ecdsa-sha2-nistp256"


def _rsa_signature(key: Path, signature_type: str, digest: hashes.HashAlgorithm) -> str:
    """An SSHSIG made by hand with the RSA variant ssh-keygen itself never chooses."""
    private = load_ssh_private_key(key.read_bytes(), None)
    assert isinstance(private, rsa.RSAPrivateKey)
    namespace = signing.NAMESPACE.encode()
    signed = (b"SSHSIG" + ssh_string(namespace) + ssh_string(b"") + ssh_string(b"sha256")
              + ssh_string(hashlib.sha256(MESSAGE).digest()))
    raw = private.sign(signed, padding.PKCS1v15(), digest)
    public = signing.PublicKey.from_openssh(public_line(key))
    return armor(b"SSHSIG" + (1).to_bytes(4, "big") + ssh_string(public.blob)
                 + ssh_string(namespace) + ssh_string(b"") + ssh_string(b"sha256")
                 + ssh_string(ssh_string(signature_type.encode()) + ssh_string(raw)))


def test_rsa_sha2_256_verifies_in_both(keys: dict[str, Path]) -> None:
    armored = _rsa_signature(keys["rsa"], "rsa-sha2-256", hashes.SHA256())
    assert ssh_keygen_verifies(armored, MESSAGE, keys["rsa"])
    assert eta_verifies(armored, MESSAGE)


def test_rsa_with_sha1_is_refused_by_both(keys: dict[str, Path]) -> None:
    armored = _rsa_signature(keys["rsa"], "ssh-rsa", hashes.SHA1())
    assert not ssh_keygen_verifies(armored, MESSAGE, keys["rsa"])
    with pytest.raises(signing.BadSignature) as caught:
        signing.verify(armored, MESSAGE)
    assert str(caught.value) == "a signature of type `ssh-rsa` by a ssh-rsa key is not accepted"


def test_the_public_half_comes_from_ssh_keygen_without_a_pub_file(tmp_path: Path) -> None:
    key = make_key(tmp_path, "lonely")
    expected = signing.PublicKey.from_openssh(public_line(key))
    key.with_name("lonely.pub").unlink()
    signing_key = signing.signing_key(str(key), cwd=tmp_path)
    assert signing_key.public_key is None
    assert signing.public_key_of(signing_key) == expected


def test_a_key_can_be_given_as_gits_key_literal() -> None:
    line = public_line(example_key("volmacht", "adekker"))
    key = signing.signing_key(f"key::{line}", cwd=Path())
    assert key.path is None
    assert key.public_key == signing.PublicKey.from_openssh(line)


def test_a_missing_key_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EtaError) as caught:
        signing.signing_key("absent", cwd=tmp_path)
    assert str(caught.value) == f"no SSH key file at {tmp_path}/absent"


def test_a_file_that_is_no_key_cannot_sign(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a key\n")
    key = signing.signing_key("notes.txt", cwd=tmp_path)
    with pytest.raises(EtaError) as caught:
        signing.sign(MESSAGE, key)
    assert str(caught.value).startswith("ssh-keygen could not sign: ")


def test_a_key_others_may_read_is_refused_with_the_reason_alone(tmp_path: Path) -> None:
    private = make_key(tmp_path, "open")
    private.chmod(0o644)
    key = signing.signing_key("open", cwd=tmp_path)
    with pytest.raises(EtaError) as caught:
        signing.sign(MESSAGE, key)
    assert str(caught.value) == (
        f"ssh-keygen could not sign: Permissions 0644 for '{private}' are too open. "
        "(ssh-keygen uses a private key only if you alone may read it: chmod 600)")


def test_git_gives_the_signing_key_only_for_ssh_signing(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.signingkey", "~/.ssh/id_ed25519")
    assert signing.git_signing_key(tmp_path) is None
    git(tmp_path, "config", "gpg.format", "ssh")
    assert signing.git_signing_key(tmp_path) == "~/.ssh/id_ed25519"
