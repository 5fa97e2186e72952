"""SSH signatures: eta's in-process verifier agrees with `ssh-keygen -Y verify`."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PROJECT, git
from eta import signing
from eta.errors import EtaError
from eta.ssh_keys import CURVES
from plan_helpers import example_key, make_key, public_line
from sshsig_helpers import (
    SK_ECDSA,
    SK_ED25519,
    SoftwareSecurityKey,
    armor,
    blob_of,
    mpint,
    rsa_signature,
    signed_data,
    ssh_keygen_check,
    ssh_string,
    sshsig,
)

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


def test_rsa_sha2_256_verifies_in_both(keys: dict[str, Path]) -> None:
    armored = rsa_signature(keys["rsa"], "rsa-sha2-256", hashes.SHA256(), MESSAGE)
    assert ssh_keygen_verifies(armored, MESSAGE, keys["rsa"])
    assert eta_verifies(armored, MESSAGE)


def test_rsa_with_sha1_is_refused_by_both(keys: dict[str, Path]) -> None:
    armored = rsa_signature(keys["rsa"], "ssh-rsa", hashes.SHA1(), MESSAGE)
    assert not ssh_keygen_verifies(armored, MESSAGE, keys["rsa"])
    with pytest.raises(signing.BadSignature) as caught:
        signing.verify(armored, MESSAGE)
    assert str(caught.value) == ("RSA signatures with SHA-1 (ssh-rsa) are not accepted; "
                                 "ssh-keygen makes rsa-sha2-512 signatures")


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


# -- What eta refuses, and why -------------------------------------------------------------

ACCEPTED_TYPES = ("ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, "
                  "ssh-rsa, sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com")
LOW_ORDER_POINT = bytes((1,)) + bytes(31)


def _with_field(armored: str, index: int, value: bytes) -> str:
    """The signature with the `index`-th string of its SSHSIG blob replaced."""
    blob = blob_of(armored)
    offset, strings = 10, []
    for _ in range(5):
        length = int.from_bytes(blob[offset:offset + 4], "big")
        strings.append(blob[offset + 4:offset + 4 + length])
        offset += 4 + length
    strings[index] = value
    return armor(blob[:10] + b"".join(ssh_string(s) for s in strings))


def _ecdsa_numbers(armored: str, change: Callable[[int, int, int], tuple[int, int]]) -> str:
    """The P-256 signature with its numbers r and s changed by `change(r, s, order)`."""
    inner = signing.parse(armored).signature
    name_length = int.from_bytes(inner[:4], "big")
    numbers = inner[8 + name_length:]
    r_length = int.from_bytes(numbers[:4], "big")
    r = int.from_bytes(numbers[4:4 + r_length], "big")
    s = int.from_bytes(numbers[8 + r_length:], "big")
    r, s = change(r, s, CURVES["nistp256"].n)
    return _with_field(armored, 4, inner[:4 + name_length] + ssh_string(mpint(r) + mpint(s)))


def _refused(armored: str, message: bytes = MESSAGE) -> str:
    with pytest.raises(signing.BadSignature) as caught:
        signing.verify(armored, message)
    return str(caught.value)


def test_the_armor_must_be_as_ssh_keygen_writes_it(keys: dict[str, Path]) -> None:
    armored = sign(keys["ed25519"])
    blob = blob_of(armored)
    lines = armored.splitlines()
    assert signing.verify(armored.removesuffix("\n"), MESSAGE).key_type == "ssh-ed25519"
    assert {
        "CR line ends": _refused(armor(blob, newline="\r\n")),
        "lines of 76": _refused(armor(blob, width=76)),
        "a space": _refused(armored.replace(lines[1], lines[1][:9] + " " + lines[1][9:])),
        "a stray =": _refused(armored.replace(lines[-2], lines[-2] + "=")),
        "text after it": _refused(armored + "x\n"),
    } == {
        "CR line ends": "the signature has CR line ends; ssh-keygen writes LF only",
        "lines of 76": "the signature's base64 text is not in lines of 70 characters as "
                       "ssh-keygen writes it",
        "a space": "the signature's base64 text is not in lines of 70 characters as "
                   "ssh-keygen writes it",
        "a stray =": "the signature's base64 text is damaged or not in the canonical form "
                     "ssh-keygen writes",
        "text after it": "the signature is not framed by a -----BEGIN SSH SIGNATURE----- line "
                         "and an -----END SSH SIGNATURE----- line",
    }


def test_fields_must_hold_what_openssh_writes(keys: dict[str, Path]) -> None:
    armored = sign(keys["ed25519"])
    blob = blob_of(armored)
    key_type_flipped = armored.replace("c3NoLWVkMjU1MTkA", "c3NoLWVkMjU1MTgA", 1)
    assert {
        "version 0": _refused(armor(blob[:6] + bytes(4) + blob[10:])),
        "a reserved field": _refused(_with_field(armored, 2, b"x")),
        "trailing data": _refused(armor(blob + bytes(4))),
        "a flipped bit in the key type": _refused(key_type_flipped),
    } == {
        "version 0": "the signature has format version 0; eta knows 1",
        "a reserved field": "the signature's reserved field is not empty",
        "trailing data": "the signature is damaged: it has trailing data",
        "a flipped bit in the key type": "the signature's key is refused: keys of type "
                                         f"`ssh-ed25518` are not accepted; eta accepts "
                                         f"{ACCEPTED_TYPES}",
    }


def test_keys_and_numbers_must_be_ones_openssh_allows(keys: dict[str, Path],
                                                      tmp_path: Path) -> None:
    small = make_key(tmp_path, "small", "rsa", 1024)
    p256 = sign(keys["ecdsa-p256"])
    point = signing.parse(p256).public_key.blob[-65:]
    compressed = (ssh_string(b"ecdsa-sha2-nistp256") + ssh_string(b"nistp256")
                  + ssh_string(bytes((2 + (point[-1] & 1),)) + point[1:33]))
    low_order = ssh_string(b"ssh-ed25519") + ssh_string(LOW_ORDER_POINT)
    # With a low-order key, this "signature" matches any message in OpenSSL and ssh-keygen.
    forged = armor(sshsig(low_order, signing.NAMESPACE, "sha512", ssh_string(b"ssh-ed25519")
                          + ssh_string(LOW_ORDER_POINT + bytes(32))))
    assert ssh_keygen_check(forged, MESSAGE, signing.NAMESPACE, tmp_path)
    assert {
        "RSA of 1024 bits": _refused(sign(small)),
        "a compressed point": _refused(_with_field(p256, 0, compressed)),
        "r plus the order": _refused(_ecdsa_numbers(p256, lambda r, s, n: (r + n, s))),
        "s zero": _refused(_ecdsa_numbers(p256, lambda r, s, n: (r, 0))),
        "a low-order Ed25519 key": _refused(forged),
    } == {
        "RSA of 1024 bits": "the signature's key is refused: the RSA key has 1024 bits; eta "
                            "accepts RSA keys of 2048 bits or more",
        "a compressed point": "the signature's key is refused: the ECDSA key's point is not "
                              "an uncompressed nistp256 point",
        "r plus the order": "the signature is damaged: it holds a number too large for its "
                            "field",
        "s zero": "the ECDSA signature's numbers are out of range",
        "a low-order Ed25519 key": "the signature's key is refused: the Ed25519 key is a "
                                   "point of low order, which no private key has",
    }


@pytest.mark.parametrize("key_type", [SK_ED25519, SK_ECDSA])
def test_a_security_key_signs_and_verifies_in_both(key_type: str, tmp_path: Path) -> None:
    fido = SoftwareSecurityKey(key_type)
    armored = fido.sign(MESSAGE, signing.NAMESPACE)
    assert ssh_keygen_check(armored, MESSAGE, signing.NAMESPACE, tmp_path)
    assert signing.verify(armored, MESSAGE) == signing.PublicKey.from_openssh(fido.public_line)


def test_a_webauthn_signature_verifies_in_both(tmp_path: Path) -> None:
    fido = SoftwareSecurityKey(SK_ECDSA, application="eta.example")
    armored = fido.sign(MESSAGE, signing.NAMESPACE, webauthn_origin="https://eta.example")
    assert ssh_keygen_check(armored, MESSAGE, signing.NAMESPACE, tmp_path)
    assert signing.verify(armored, MESSAGE).application == "eta.example"


@pytest.mark.parametrize("key_type", [SK_ED25519, SK_ECDSA])
def test_a_security_key_must_have_been_touched(key_type: str, tmp_path: Path) -> None:
    """ssh-keygen -Y leaves user presence to its caller; eta requires it."""
    armored = SoftwareSecurityKey(key_type).sign(MESSAGE, signing.NAMESPACE, flags=0)
    assert ssh_keygen_check(armored, MESSAGE, signing.NAMESPACE, tmp_path)
    assert _refused(armored) == ("the security key signed without the user's presence (a "
                                 "touch); eta requires it")


def test_a_security_key_never_passes_for_a_plain_key_nor_the_reverse(tmp_path: Path) -> None:
    fido = SoftwareSecurityKey(SK_ED25519)
    assert isinstance(fido.private, Ed25519PrivateKey)
    signed = signed_data(MESSAGE, signing.NAMESPACE)
    plain_signature = ssh_string(b"ssh-ed25519") + ssh_string(fido.private.sign(signed))
    point = signing.PublicKey.from_openssh(fido.public_line).blob[30:66]
    plain_key = ssh_string(b"ssh-ed25519") + point
    as_plain = armor(sshsig(fido.public_blob, signing.NAMESPACE, "sha512", plain_signature))
    as_sk = armor(sshsig(plain_key, signing.NAMESPACE, "sha512", fido.wrapped(signed)))
    genuine_plain = armor(sshsig(plain_key, signing.NAMESPACE, "sha512", plain_signature))
    assert signing.verify(genuine_plain, MESSAGE).key_type == "ssh-ed25519"
    assert [ssh_keygen_check(a, MESSAGE, signing.NAMESPACE, tmp_path)
            for a in (as_plain, as_sk)] == [False, False]
    assert [_refused(as_plain), _refused(as_sk)] == [
        "a signature of type `ssh-ed25519` by a sk-ssh-ed25519@openssh.com key is not accepted",
        "a signature of type `sk-ssh-ed25519@openssh.com` by a ssh-ed25519 key is not "
        "accepted"]


VECTORS = PROJECT / "tests" / "data" / "sshsig"
#: OpenSSH's own signatures of every supported kind, over one message in one namespace.
VECTOR_BLOBS = [blob_of((VECTORS / f"{name}.sig").read_text()) for name in
                ("ed25519", "ecdsa", "rsa", "ed25519_sk", "ecdsa_sk", "ecdsa_sk_webauthn")]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600), flips=st.lists(st.tuples(st.integers(0, 10**6),
                                                              st.integers(1, 255)),
                                                    max_size=4))
def test_whatever_the_bytes_only_bad_signature_is_raised(data: bytes,
                                                         flips: list[tuple[int, int]]) -> None:
    """Random blobs, and OpenSSH's signatures of every kind with random bytes changed."""
    message = (VECTORS / "signed-data").read_bytes()
    namespace = (VECTORS / "namespace").read_text()
    for blob in (b"SSHSIG\0\0\0\1" + data, *VECTOR_BLOBS):
        mutated = bytearray(blob)
        for position, mask in flips:
            mutated[position % len(mutated)] ^= mask
        with contextlib.suppress(signing.BadSignature):
            signing.verify(armor(bytes(mutated)), message, namespace)


def test_a_key_that_is_a_device_or_pipe_is_refused_unread(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for path in (Path("/dev/zero"), pipe):
        with pytest.raises(EtaError) as caught:
            signing.signing_key(str(path), cwd=tmp_path)
        assert str(caught.value) == f"{path} is no regular file; an SSH key is one"


def test_a_key_file_larger_than_any_key_is_refused_before_ssh_keygen_reads_it(
    tmp_path: Path
) -> None:
    huge = tmp_path / "huge"
    with huge.open("wb") as handle:
        handle.truncate(4 * 1024**3)  # sparse: four gibibytes that take no disk
    with pytest.raises(EtaError) as caught:
        signing.signing_key(str(huge), cwd=tmp_path)
    assert str(caught.value) == f"{huge} is larger than 65,536 bytes: no SSH key is"


def test_a_public_half_that_is_a_pipe_is_passed_over_without_waiting(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    os.mkfifo(tmp_path / "key.pub")
    assert signing.signing_key(str(key), cwd=tmp_path).public_key is None
