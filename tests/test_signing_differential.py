"""eta's verifier against ssh-keygen's, on genuine and on damaged signatures.

The rule: eta never accepts a signature that `ssh-keygen -Y check-novalidate` rejects, and
accepts every genuine signature of a key type it supports. The genuine signatures come from
ssh-keygen itself, from a software FIDO security key (to PROTOCOL.sshsig and
PROTOCOL.u2f), and from OpenSSH's own test vectors (tests/data/sshsig). The damaged ones are
systematic mutations of those: bytes flipped at sampled positions of every field, the blob
truncated and extended, the armor rewritten, fields changed and signatures re-made with
flags or types a verifier must refuse.

eta judges every mutation, ssh-keygen the genuine signatures, every mutation eta accepts and
a sample of the others: so the rule holds on all of them, at the cost of few ssh-keygen runs
(in two batches side by side). ETA_SIGNATURE_FLIPS (default 6) sets how many sampled byte
flips each genuine signature gets beyond every field's first and last byte,
ETA_SIGNATURE_SAMPLE (default 100, or `all`) how many refused mutations ssh-keygen judges,
ETA_SIGNATURE_SEED the sampling.
"""

from __future__ import annotations

import os
import random
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from conftest import PROJECT
from eta import signing
from eta.ssh_keys import CURVES
from plan_helpers import make_key
from sshsig_helpers import (
    ATTESTED_DATA,
    EXTENSION_DATA,
    SK_ECDSA,
    SK_ED25519,
    USER_PRESENT,
    USER_VERIFIED,
    WEBAUTHN,
    SoftwareSecurityKey,
    armor,
    blob_of,
    mpint,
    rsa_signature,
    signed_data,
    ssh_string,
    sshsig,
)

VECTORS = PROJECT / "tests" / "data" / "sshsig"
MESSAGE = b"eta implementation plan signature 1\nrelease: R2026-02\n"
NAMESPACE = signing.NAMESPACE
FLIPS = int(os.environ.get("ETA_SIGNATURE_FLIPS", "6"))
#: How many of the mutations eta refuses ssh-keygen also judges; `all` for every one.
SAMPLE = (None if os.environ.get("ETA_SIGNATURE_SAMPLE") == "all"
          else int(os.environ.get("ETA_SIGNATURE_SAMPLE", "100")))
SEED = int(os.environ.get("ETA_SIGNATURE_SEED", "20261201"))


@dataclass(frozen=True)
class Case:
    """A signature to judge, and the message and namespace to judge it on."""

    label: str
    armored: str
    message: bytes = MESSAGE
    namespace: str = NAMESPACE


# -- The genuine signatures ----------------------------------------------------------------


def _ssh_keygen_sign(key: Path, *options: str) -> str:
    result = subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", NAMESPACE, "-f", str(key),
                             *options], input=MESSAGE, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    """Genuine signatures of every supported key type, made three ways."""
    folder = tmp_path_factory.mktemp("genuine")
    cases = []
    for name, kind, bits in (("ed25519", "ed25519", None), ("ecdsa-p256", "ecdsa", 256),
                             ("ecdsa-p384", "ecdsa", 384), ("ecdsa-p521", "ecdsa", 521),
                             ("rsa-2048", "rsa", 2048)):
        key = make_key(folder, name, kind, bits)
        cases.append(Case(f"ssh-keygen {name}", _ssh_keygen_sign(key)))
        if name == "rsa-2048":
            cases.append(Case("rsa-sha2-256",
                              rsa_signature(key, "rsa-sha2-256", hashes.SHA256(), MESSAGE)))
        if name == "ed25519":
            cases.append(Case("ssh-keygen ed25519 sha256",
                              _ssh_keygen_sign(key, "-O", "hashalg=sha256")))
    for key_type in (SK_ED25519, SK_ECDSA):
        fido = SoftwareSecurityKey(key_type)
        cases.append(Case(f"software {key_type}", fido.sign(MESSAGE, NAMESPACE)))
        cases.append(Case(f"software {key_type} user verified",
                          fido.sign(MESSAGE, NAMESPACE, "sha256",
                                    flags=USER_PRESENT | USER_VERIFIED)))
    webauthn = SoftwareSecurityKey(SK_ECDSA, application="eta.example")
    cases.append(Case("software webauthn", webauthn.sign(
        MESSAGE, NAMESPACE, webauthn_origin="https://eta.example")))
    cases.append(Case("software webauthn with extensions", webauthn.sign(
        MESSAGE, NAMESPACE, webauthn_origin="https://eta.example",
        flags=USER_PRESENT | EXTENSION_DATA, extensions=b"\xa1\x63foo\xf5")))
    message = (VECTORS / "signed-data").read_bytes()
    namespace = (VECTORS / "namespace").read_text()
    for name in ("ed25519", "ecdsa", "rsa", "ed25519_sk", "ecdsa_sk", "ecdsa_sk_webauthn"):
        cases.append(Case(f"OpenSSH vector {name}", (VECTORS / f"{name}.sig").read_text(),
                          message, namespace))
    return cases


# -- The mutations -------------------------------------------------------------------------


def fields(blob: bytes) -> Iterator[tuple[str, int, int]]:
    """The fields of an SSHSIG blob as (name, start, end), down to the strings inside the
    key and the wrapped signature, each string's length prefix a field of its own."""
    yield "magic", 0, 6
    yield "version", 6, 10
    offset = 10
    for name in ("key", "namespace", "reserved", "hash", "signature"):
        length = int.from_bytes(blob[offset:offset + 4], "big")
        yield f"{name} length", offset, offset + 4
        start, end = offset + 4, offset + 4 + length
        if name in ("key", "signature"):
            yield from _inner_fields(name, blob, start, end)
        elif length:
            yield name, start, end
        offset = end


def _inner_fields(name: str, blob: bytes, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    index, offset = 0, start
    while offset + 4 <= end:
        length = int.from_bytes(blob[offset:offset + 4], "big")
        if offset + 4 + length > end:
            break
        yield f"{name}[{index}] length", offset, offset + 4
        if length:
            yield f"{name}[{index}]", offset + 4, offset + 4 + length
        index, offset = index + 1, offset + 4 + length
    if offset < end:
        yield f"{name} tail", offset, end


def byte_flips(case: Case, rng: random.Random) -> Iterator[Case]:
    """Every field's first and last byte flipped, and FLIPS more at sampled positions."""
    blob = blob_of(case.armored)
    spans = list(fields(blob))
    chosen = {(name, position) for name, start, end in spans for position in {start, end - 1}}
    for name, start, end in rng.sample(spans, min(FLIPS, len(spans))):
        chosen.add((name, rng.randrange(start, end)))
    for name, position in sorted(chosen, key=lambda item: item[1]):
        mutated = bytearray(blob)
        mutated[position] ^= 1 << rng.randrange(8) if rng.random() < 0.5 else rng.randrange(1, 256)
        yield Case(f"{case.label}: {name} byte {position} flipped", armor(bytes(mutated)),
                   case.message, case.namespace)


def reshaped(case: Case, rng: random.Random) -> Iterator[Case]:
    """The blob truncated and extended, and the armor written otherwise."""
    blob = blob_of(case.armored)
    text = case.armored
    lines = text.splitlines()

    def make(label: str, armored: str) -> Case:
        return Case(f"{case.label}: {label}", armored, case.message, case.namespace)

    for length in sorted({1, len(blob) // 2, len(blob) - 1, rng.randrange(1, len(blob))}):
        yield make(f"truncated to {length} bytes", armor(blob[:length]))
    yield make("four bytes appended", armor(blob + b"\0\0\0\0"))
    yield make("a random byte appended", armor(blob + bytes((rng.randrange(256),))))
    yield make("lines of 64", armor(blob, width=64))
    yield make("lines of 76", armor(blob, width=76))
    yield make("CRLF line ends", armor(blob, newline="\r\n"))
    yield make("no final line end", text.removesuffix("\n"))
    yield make("a space inside a line", text.replace(lines[1], lines[1][:10] + " " + lines[1][10:]))
    yield make("a tab inside a line", text.replace(lines[1], lines[1][:10] + "\t" + lines[1][10:]))
    yield make("an empty line inside", text.replace(lines[1] + "\n", lines[1] + "\n\n"))
    yield make("a stray `=` at the end", text.replace(lines[-2] + "\n", lines[-2] + "=\n"))
    yield make("text after the armor", text + "trailing\n")
    yield make("a line before the armor", "\n" + text)
    yield make("a lower-case header", text.replace("BEGIN SSH", "begin ssh"))
    yield make("the base64 alone", "".join(lines[1:-1]))
    last = lines[-2].rstrip("=")
    if last != lines[-2]:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        bumped = last[:-1] + alphabet[alphabet.index(last[-1]) ^ 1]
        yield make("non-zero pad bits", text.replace(lines[-2], bumped + lines[-2][len(last):]))


@dataclass(frozen=True)
class Parts:
    """The fields of an SSHSIG blob."""

    key: bytes
    namespace: bytes
    reserved: bytes
    hash: bytes
    signature: bytes
    version: int = 1

    @classmethod
    def of(cls, blob: bytes) -> Parts:
        key, namespace, reserved, hash_algorithm, signature = _strings(blob[10:])
        return cls(key, namespace, reserved, hash_algorithm, signature)

    def blob(self) -> bytes:
        return sshsig(self.key, self.namespace.decode(), self.hash.decode(), self.signature,
                      self.reserved, self.version)


def changed_fields(case: Case) -> Iterator[Case]:
    """Fields replaced by other well-formed values that the signature does not cover, or
    that a verifier must refuse."""
    parts = Parts.of(blob_of(case.armored))

    def make(label: str, changed: Parts) -> Case:
        return Case(f"{case.label}: {label}", armor(changed.blob()), case.message,
                    case.namespace)

    yield make("version 0", replace(parts, version=0))
    yield make("version 2", replace(parts, version=2))
    yield make("a reserved field", replace(parts, reserved=b"x"))
    yield make("another namespace", replace(parts, namespace=b"git"))
    yield make("the other hash", replace(parts, hash=b"sha256" if parts.hash == b"sha512"
                                         else b"sha512"))
    yield make("an unknown hash", replace(parts, hash=b"sha1"))
    yield Case(f"{case.label}: another message", case.armored, case.message + b"\n",
               case.namespace)
    key_type = _strings(parts.key)[0]
    signature_type = _strings(parts.signature)[0]
    yield make("a trailing NUL in the key type",
               replace(parts, key=_rename(parts.key, key_type + b"\0")))
    yield make("a trailing NUL in the signature type",
               replace(parts, signature=_rename(parts.signature, signature_type + b"\0")))
    for other in (b"ssh-ed25519", SK_ED25519.encode(), b"ssh-rsa", b"ssh-dss", b"ED25519",
                  b"ecdsa-sha2-nistp256", SK_ECDSA.encode(), b"rsa-sha2-512"):
        if other != key_type:
            yield make(f"key type {other.decode()}",
                       replace(parts, key=_rename(parts.key, other)))
    for other in (b"ssh-rsa", b"rsa-sha2-256", b"rsa-sha2-512", b"ssh-ed25519",
                  SK_ED25519.encode(), WEBAUTHN.encode()):
        if other != signature_type:
            yield make(f"signature type {other.decode()}",
                       replace(parts, signature=_rename(parts.signature, other)))
    for label, changed in _number_changes(parts):
        yield make(label, changed)


def _rename(data: bytes, name: bytes) -> bytes:
    return ssh_string(name) + data[4 + int.from_bytes(data[:4], "big"):]


def _strings(data: bytes) -> list[bytes]:
    """The length-prefixed strings at the start of `data`."""
    values, offset = [], 0
    while offset + 4 <= len(data):
        length = int.from_bytes(data[offset:offset + 4], "big")
        if offset + 4 + length > len(data):
            break
        values.append(data[offset + 4:offset + 4 + length])
        offset += 4 + length
    return values


def _joined(*values: bytes) -> bytes:
    return b"".join(ssh_string(value) for value in values)


def _number_changes(parts: Parts) -> Iterator[tuple[str, Parts]]:
    """Numbers written otherwise: leading zeros, out of range, a compressed point."""
    key = _strings(parts.key)
    if key[0] == b"ssh-rsa":
        yield "a leading zero in the RSA modulus", replace(
            parts, key=_joined(key[0], key[1], b"\0" + key[2]))
        yield "an even RSA exponent", replace(parts, key=_joined(key[0], b"\1\0\0", key[2]))
    if not key[0].startswith((b"ecdsa-", b"sk-ecdsa-")):
        return
    point = key[2]
    size = (len(point) - 1) // 2
    compressed = bytes((2 + (point[-1] & 1),)) + point[1:1 + size]
    yield "a compressed point", replace(parts, key=_joined(key[0], key[1], compressed,
                                                            *key[3:]))
    signature = _strings(parts.signature)
    numbers = _strings(signature[1])
    r, s = (int.from_bytes(value, "big") for value in numbers[:2])
    tail = parts.signature[8 + len(signature[0]) + len(signature[1]):]
    order = CURVES[key[1].decode()].n

    def with_numbers(label: str, encoded: bytes) -> tuple[str, Parts]:
        return label, replace(parts, signature=ssh_string(signature[0]) + ssh_string(encoded)
                              + tail)

    yield with_numbers("r with a leading zero", ssh_string(b"\0" + numbers[0]) + mpint(s))
    yield with_numbers("r plus the order", mpint(r + order) + mpint(s))
    yield with_numbers("s negated", mpint(r) + mpint(order - s))
    yield with_numbers("s zero", mpint(r) + mpint(0))
    yield with_numbers("s as a huge number", mpint(r) + mpint(s << 4000))


def resigned() -> Iterator[Case]:
    """Signatures made again with what a verifier must refuse: no user presence, flags that
    lie, a security key's signature passed off as a plain key's and the other way round."""
    signed = signed_data(MESSAGE, NAMESPACE)
    for key_type in (SK_ED25519, SK_ECDSA):
        fido = SoftwareSecurityKey(key_type)
        yield Case(f"{key_type} without user presence", fido.sign(MESSAGE, NAMESPACE, flags=0))
        yield Case(f"{key_type} with attested data", fido.sign(
            MESSAGE, NAMESPACE, flags=USER_PRESENT | ATTESTED_DATA))
        yield Case(f"{key_type} claiming extensions", fido.sign(
            MESSAGE, NAMESPACE, flags=USER_PRESENT | EXTENSION_DATA))
        parts = Parts.of(blob_of(fido.sign(MESSAGE, NAMESPACE)))
        sk_key = _strings(fido.public_blob)
        yield Case(f"{key_type} with another application", armor(replace(
            parts, key=_joined(*sk_key[:-1], b"ssh:other")).blob()))
        # The same private key signing the plain way, without an authenticator's framing.
        plain_type = key_type.removeprefix("sk-").removeprefix("ssh-").removesuffix(
            "@openssh.com")
        plain_type = "ssh-ed25519" if plain_type == "ed25519" else plain_type
        if isinstance(fido.private, ec.EllipticCurvePrivateKey):
            r, s = decode_dss_signature(fido.private.sign(signed, ec.ECDSA(hashes.SHA256())))
            raw = mpint(r) + mpint(s)
        else:
            raw = fido.private.sign(signed)
        plain_signature = _joined(plain_type.encode(), raw)
        plain_key = _joined(plain_type.encode(), *sk_key[1:-1])
        yield Case(f"the plain key of {key_type}'s point",
                   armor(sshsig(plain_key, NAMESPACE, "sha512", plain_signature)))
        yield Case(f"{key_type} with a plain signature",
                   armor(sshsig(fido.public_blob, NAMESPACE, "sha512", plain_signature)))
        yield Case(f"a plain key with {key_type}'s signature",
                   armor(sshsig(plain_key, NAMESPACE, "sha512", fido.wrapped(signed))))
    webauthn = SoftwareSecurityKey(SK_ECDSA)
    for label, client_data in (
            ("another challenge", b'{"type":"webauthn.get","challenge":"AAAA","origin":"o"}'),
            ("a create, not a get", b'{"type":"webauthn.create","challenge":"x","origin":"o"}')):
        yield Case(f"webauthn with {label}", armor(sshsig(
            webauthn.public_blob, NAMESPACE, "sha512",
            webauthn.wrapped(signed, webauthn_origin="o", client_data=client_data))))
    yield Case("webauthn with extensions but no flag", armor(sshsig(
        webauthn.public_blob, NAMESPACE, "sha512",
        webauthn.wrapped(signed, webauthn_origin="o", extensions=b"\xa0"))))
    yield Case("webauthn with a quote in the origin", webauthn.sign(
        MESSAGE, NAMESPACE, webauthn_origin='https://a"b'))


# -- The verdicts --------------------------------------------------------------------------


def ssh_keygen_verdicts(cases: list[Case], folder: Path) -> list[bool]:
    """What `ssh-keygen -Y check-novalidate` says of each case, in two batches at once."""
    for index, case in enumerate(cases):
        (folder / f"{index}.sig").write_text(case.armored, newline="")
        (folder / f"{index}.msg").write_bytes(case.message)
    script = ('while read -r i ns; do if ssh-keygen -Y check-novalidate -n "$ns" '
              '-s "$i.sig" < "$i.msg" >/dev/null 2>&1; then echo "$i 1"; '
              'else echo "$i 0"; fi; done')
    batches = [[f"{index} {case.namespace}" for index, case in enumerate(cases)
                if index % 2 == part] for part in (0, 1)]
    runs = [subprocess.Popen(["sh", "-c", script], cwd=folder, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True) for _ in batches]
    verdicts: dict[int, bool] = {}
    for run, batch in zip(runs, batches, strict=True):
        out, _ = run.communicate("\n".join(batch) + "\n")
        for line in out.splitlines():
            number, verdict = line.split()
            verdicts[int(number)] = verdict == "1"
    assert len(verdicts) == len(cases)
    return [verdicts[index] for index in range(len(cases))]


def eta_verdict(case: Case) -> bool:
    """Whether eta accepts the case; any exception but BadSignature fails the test."""
    try:
        signing.verify(case.armored, case.message, case.namespace)
    except signing.BadSignature:
        return False
    return True


def test_eta_is_never_more_lenient_than_ssh_keygen(genuine: list[Case], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """eta judges every mutation; ssh-keygen judges the genuine signatures, every mutation
    eta accepts, and a sample of those it refuses (to count where the two agree)."""
    rng = random.Random(SEED)
    mutated: list[Case] = []
    for case in genuine:
        mutated += byte_flips(case, rng)
        mutated += reshaped(case, rng)
        mutated += changed_fields(case)
    mutated += resigned()
    mutated = list({(c.armored, c.message, c.namespace): c for c in mutated}.values())
    accepted = [case for case in mutated if eta_verdict(case)]
    refused = [case for case in mutated if case not in accepted]
    sample = refused if SAMPLE is None else rng.sample(refused, min(SAMPLE, len(refused)))
    asked = genuine + accepted + sample
    keygen = dict(zip((id(case) for case in asked), ssh_keygen_verdicts(asked, tmp_path),
                      strict=True))

    assert [case.label for case in genuine if not (keygen[id(case)] and eta_verdict(case))
            ] == []
    assert [case.label for case in accepted if not keygen[id(case)]] == []
    stricter = [case.label for case in sample if keygen[id(case)]]
    with capsys.disabled():
        print(f"\n{len(genuine)} genuine signatures, accepted by both; {len(mutated)} "
              f"mutations: eta accepts {len(accepted)}, all accepted by ssh-keygen too; of "
              f"{len(sample)} that eta refuses, ssh-keygen refuses {len(sample) - len(stricter)}"
              f" and accepts {len(stricter)}")
        if "ETA_SIGNATURE_SAMPLE" in os.environ:
            print("\n".join(f"  both accept: {case.label}" for case in accepted))
            print("\n".join(f"  only ssh-keygen accepts: {label}" for label in stricter))


def test_openssh_vectors_of_unsupported_types_are_refused_by_name() -> None:
    message = (VECTORS / "signed-data").read_bytes()
    namespace = (VECTORS / "namespace").read_text()
    refusals = {}
    for name in ("dsa", "mldsa44-ed25519"):
        with pytest.raises(signing.BadSignature) as caught:
            signing.verify((VECTORS / f"{name}.sig").read_text(), message, namespace)
        refusals[name] = str(caught.value)
    assert refusals == {
        "dsa": "the signature's key is refused: DSA keys (ssh-dss) are not accepted: "
               "OpenSSH no longer trusts them",
        "mldsa44-ed25519": "the signature's key is refused: keys of type "
                           "`ssh-mldsa44-ed25519@openssh.com` are not accepted; eta accepts "
                           "ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, "
                           "ecdsa-sha2-nistp521, ssh-rsa, sk-ssh-ed25519@openssh.com, "
                           "sk-ecdsa-sha2-nistp256@openssh.com",
    }


def test_openssh_vectors_verify_as_made_by_their_keys() -> None:
    message = (VECTORS / "signed-data").read_bytes()
    namespace = (VECTORS / "namespace").read_text()
    for name in ("ed25519", "ecdsa", "rsa", "ed25519_sk", "ecdsa_sk", "ecdsa_sk_webauthn"):
        key = signing.verify((VECTORS / f"{name}.sig").read_text(), message, namespace)
        assert key == signing.PublicKey.from_openssh((VECTORS / f"{name}.pub").read_text())
