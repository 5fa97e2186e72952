"""SSH signatures, as `ssh-keygen -Y sign` makes them and git uses them.

Signing goes through ssh-keygen, so that private keys, their passphrases and the SSH agent
stay its business. Verifying happens here, in-process, by the SSHSIG format (OpenSSH's
PROTOCOL.sshsig): `eta check` verifies every signature of every plan, and a process per
signature would cost more than the rest of the check.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from eta.errors import EtaError

#: The namespace of eta's plan signatures: a signature made for git commits, or for any
#: other purpose, never verifies as a plan signature.
NAMESPACE = "eta-plan@eherkenning"

_MAGIC = b"SSHSIG"
_VERSION = 1
_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_END = "-----END SSH SIGNATURE-----"
_MESSAGE_HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}
_ECDSA_HASHES = {"ecdsa-sha2-nistp256": "SHA256", "ecdsa-sha2-nistp384": "SHA384",
                 "ecdsa-sha2-nistp521": "SHA512"}
_RSA_HASHES = {"rsa-sha2-256": "SHA256", "rsa-sha2-512": "SHA512"}


class BadSignature(Exception):
    """A signature that does not verify; the message says why."""


@dataclass(frozen=True, slots=True)
class PublicKey:
    """An SSH public key by its wire-format blob."""

    key_type: str
    blob: bytes

    @classmethod
    def from_openssh(cls, line: str) -> PublicKey:
        """A key from an OpenSSH public key line: `type base64 [comment]`."""
        parts = line.split()
        if len(parts) < 2:
            raise ValueError("not an SSH public key line")
        try:
            blob = base64.b64decode(parts[1], validate=True)
        except binascii.Error:
            raise ValueError("the key's base64 part is damaged") from None
        key_type = _Reader(blob).text()
        if key_type != parts[0]:
            raise ValueError(f"the key's data is of type {key_type}, not {parts[0]}")
        return cls(key_type, blob)

    @property
    def fingerprint(self) -> str:
        """The SHA256 fingerprint, written as ssh-keygen -l writes it."""
        digest = base64.b64encode(hashlib.sha256(self.blob).digest()).decode("ascii")
        return "SHA256:" + digest.rstrip("=")

    def openssh(self) -> str:
        return f"{self.key_type} {base64.b64encode(self.blob).decode('ascii')}"


def fingerprint(line: str) -> str | None:
    """The fingerprint of an OpenSSH public key line, or None if it is no usable key."""
    try:
        return PublicKey.from_openssh(line).fingerprint
    except ValueError:
        return None


class _Reader:
    """Reads SSH wire-format values (RFC 4251) from a byte string."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def raw(self, length: int) -> bytes:
        end = self.offset + length
        if end > len(self.data):
            raise BadSignature("the signature is truncated")
        value = self.data[self.offset:end]
        self.offset = end
        return value

    def uint32(self) -> int:
        return int.from_bytes(self.raw(4), "big")

    def string(self) -> bytes:
        return self.raw(self.uint32())

    def text(self) -> str:
        try:
            return self.string().decode("utf-8")
        except UnicodeDecodeError:
            raise BadSignature("the signature holds a name that is not text") from None

    def mpint(self) -> int:
        value = self.string()
        if value and value[0] & 0x80:
            raise BadSignature("the signature holds a negative number")
        return int.from_bytes(value, "big")

    def end(self) -> None:
        if self.offset != len(self.data):
            raise BadSignature("the signature has trailing data")


def _ssh_string(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


@dataclass(frozen=True, slots=True)
class SshSignature:
    """The parts of an armored SSH signature."""

    public_key: PublicKey
    namespace: str
    hash_algorithm: str
    signature_type: str
    signature: bytes
    reserved: bytes


def parse(armored: str) -> SshSignature:
    """The parts of an armored SSH signature; BadSignature if it is damaged."""
    text = armored.strip()
    if not text.startswith(_BEGIN) or not text.endswith(_END):
        raise BadSignature(f"the signature is not framed by {_BEGIN} and {_END}")
    body = "".join(text[len(_BEGIN):-len(_END)].split())
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise BadSignature("the signature's base64 text is damaged or truncated") from None
    reader = _Reader(blob)
    if reader.raw(len(_MAGIC)) != _MAGIC:
        raise BadSignature("the signature is not in the SSHSIG format")
    version = reader.uint32()
    if version != _VERSION:
        raise BadSignature(f"the signature has format version {version}; eta knows 1")
    key_blob = reader.string()
    namespace = reader.text()
    reserved = reader.string()
    hash_algorithm = reader.text()
    wrapped = reader.string()
    reader.end()
    key_type = _Reader(key_blob).text()
    inner = _Reader(wrapped)
    signature_type = inner.text()
    signature = inner.string()
    inner.end()
    return SshSignature(PublicKey(key_type, key_blob), namespace, hash_algorithm,
                        signature_type, signature, reserved)


def verify(armored: str, message: bytes, namespace: str = NAMESPACE) -> PublicKey:
    """The key that made `armored` over `message` in `namespace`; BadSignature if not."""
    parsed = parse(armored)
    if parsed.namespace != namespace:
        raise BadSignature(f"the signature is for namespace `{parsed.namespace}`, "
                           f"not `{namespace}`")
    message_hash = _MESSAGE_HASHES.get(parsed.hash_algorithm)
    if message_hash is None:
        raise BadSignature(f"the signature uses hash `{parsed.hash_algorithm}`; "
                           "eta accepts sha256 and sha512")
    signed = b"".join((
        _MAGIC,
        _ssh_string(parsed.namespace.encode("utf-8")),
        _ssh_string(parsed.reserved),
        _ssh_string(parsed.hash_algorithm.encode("ascii")),
        _ssh_string(message_hash(message).digest()),
    ))
    _verify_raw(parsed, signed)
    return parsed.public_key


def _verify_raw(parsed: SshSignature, signed: bytes) -> None:
    # cryptography is imported here, not at the top: only verifying needs it, and a check
    # whose signatures did not change should not pay for loading it.
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    key_type = parsed.public_key.key_type
    try:
        key = load_ssh_public_key(parsed.public_key.openssh().encode("ascii"))
    except (ValueError, TypeError, binascii.Error):
        raise BadSignature(f"the signature's {key_type} key is damaged or "
                           "of a kind eta cannot verify") from None
    try:
        if isinstance(key, ed25519.Ed25519PublicKey) and parsed.signature_type == key_type:
            key.verify(parsed.signature, signed)
        elif isinstance(key, rsa.RSAPublicKey) and parsed.signature_type in _RSA_HASHES:
            size = (key.key_size + 7) // 8
            if len(parsed.signature) > size:
                raise BadSignature("the RSA signature is longer than its key")
            key.verify(parsed.signature.rjust(size, b"\0"), signed, padding.PKCS1v15(),
                       getattr(hashes, _RSA_HASHES[parsed.signature_type])())
        elif (isinstance(key, ec.EllipticCurvePublicKey)
              and parsed.signature_type == key_type and key_type in _ECDSA_HASHES):
            numbers = _Reader(parsed.signature)
            r, s = numbers.mpint(), numbers.mpint()
            numbers.end()
            key.verify(encode_dss_signature(r, s), signed,
                       ec.ECDSA(getattr(hashes, _ECDSA_HASHES[key_type])()))
        else:
            raise BadSignature(f"a signature of type `{parsed.signature_type}` by a "
                               f"{key_type} key is not accepted")
    except InvalidSignature:
        raise BadSignature("the signature does not match the signed content") from None


def signing_message(*, release: str, party: str, representative: str, signed_at: str,
                    digest: str) -> bytes:
    """What a representative signs: who signs which plan, when, and the plan's digest."""
    return (
        "eta implementation plan signature 1\n"
        f"release: {release}\n"
        f"party: {party}\n"
        f"representative: {representative}\n"
        f"signed_at: {signed_at}\n"
        f"digest: {digest}\n"
    ).encode()


@dataclass(frozen=True, slots=True)
class SigningKey:
    """What to hand ssh-keygen: a private key file, or a public key whose private half is
    in the SSH agent."""

    path: Path | None
    public_key: PublicKey | None


def signing_key(spec: str, *, cwd: Path) -> SigningKey:
    """The key named by `spec`: a path (~ expanded, relative to `cwd`), or `key::` and an
    OpenSSH public key line as git's user.signingkey allows."""
    literal = spec.removeprefix("key::")
    if literal != spec or literal.startswith(("ssh-", "ecdsa-", "sk-")):
        try:
            return SigningKey(None, PublicKey.from_openssh(literal))
        except ValueError as exc:
            raise EtaError(f"the signing key `{spec}` is no usable SSH public key: {exc}"
                           ) from None
    path = Path(spec).expanduser()
    if not path.is_absolute():
        path = cwd / path
    if not path.is_file():
        raise EtaError(f"no SSH key file at {path}")
    return SigningKey(path, _public_half(path))


def _public_half(path: Path) -> PublicKey | None:
    """The public key of the key file at `path`, where it can be known without a passphrase."""
    for candidate in (path, path.with_name(path.name + ".pub")):
        try:
            first = candidate.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if first.startswith(("ssh-", "ecdsa-", "sk-")):
            try:
                return PublicKey.from_openssh(first)
            except ValueError:
                return None
    return None


def public_key_of(key: SigningKey) -> PublicKey:
    """The public half of `key`, asking ssh-keygen when no public key file lies beside it
    (which may ask for the key's passphrase)."""
    if key.public_key is not None:
        return key.public_key
    assert key.path is not None
    result = subprocess.run([_ssh_keygen(), "-y", "-f", os.fspath(key.path)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise EtaError(f"cannot read the SSH key {key.path}: "
                       + _ssh_keygen_problem(result.stderr, result.returncode))
    try:
        return PublicKey.from_openssh(result.stdout.strip())
    except ValueError as exc:
        raise EtaError(f"cannot read the SSH key {key.path}: {exc}") from None


def _ssh_keygen() -> str:
    program = shutil.which("ssh-keygen")
    if program is None:
        raise EtaError("ssh-keygen is not installed; eta signs with it")
    return program


def sign(message: bytes, key: SigningKey, namespace: str = NAMESPACE) -> str:
    """An armored SSH signature over `message`, made by ssh-keygen."""
    program = _ssh_keygen()
    with tempfile.TemporaryDirectory(prefix="eta-sign-") as folder:
        key_file = key.path
        if key_file is None:
            assert key.public_key is not None
            # ssh-keygen finds the private half in the agent from a public key file.
            key_file = Path(folder, "key.pub")
            key_file.write_text(key.public_key.openssh() + "\n", encoding="utf-8")
        result = subprocess.run(
            [program, "-Y", "sign", "-n", namespace, "-f", os.fspath(key_file)],
            input=message, capture_output=True, check=False,
        )
    if result.returncode != 0:
        raise EtaError("ssh-keygen could not sign: " + _ssh_keygen_problem(
            result.stderr.decode("utf-8", "replace"), result.returncode))
    return result.stdout.decode("ascii")


def _ssh_keygen_problem(stderr: str, returncode: int) -> str:
    """ssh-keygen's last word on what went wrong, without its banners."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip(" @\n")]
    permissions = [line for line in lines
                   if line.endswith(("bad permissions", "are too open."))]
    if permissions:
        # Its last line would only say that no key was found.
        return (f"{permissions[0]} (ssh-keygen uses a private key only if you alone may "
                "read it: chmod 600)")
    return lines[-1] if lines else f"exit status {returncode}"


def git_signing_key(root: Path) -> str | None:
    """git's user.signingkey, when git signs with SSH (gpg.format is ssh)."""
    from eta.git import config_value

    if shutil.which("git") is None or config_value(root, "gpg.format") != "ssh":
        return None
    return config_value(root, "user.signingkey")
