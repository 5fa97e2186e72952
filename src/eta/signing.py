"""SSH signatures, as `ssh-keygen -Y sign` makes them and git uses them.

Signing goes through ssh-keygen, so that private keys, their passphrases and the SSH agent
stay its business. Verifying happens here, in-process, by the SSHSIG format (OpenSSH's
PROTOCOL.sshsig, and PROTOCOL.u2f for security keys): `eta check` verifies every signature
of every plan, and a process per signature would cost more than the rest of the check. The
verifier is as strict as `ssh-keygen -Y verify`, or stricter: whatever the bytes, it returns
the signer's key or raises BadSignature.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eta.errors import EtaError
from eta.ssh_keys import (
    ED25519,
    RSA,
    SK_ECDSA,
    SK_ED25519,
    BadKey,
    EcdsaPoint,
    Ed25519Point,
    PublicKey,
    Reader,
    RsaNumbers,
    WireError,
    canonical_base64,
    shown_name,
    ssh_string,
)

__all__ = ["NAMESPACE", "BadSignature", "PublicKey", "fingerprint", "verify"]

#: The namespace of eta's plan signatures: a signature made for git commits, or for any
#: other purpose, never verifies as a plan signature.
NAMESPACE = "eta-plan@eherkenning"

_MAGIC = b"SSHSIG"
_VERSION = 1
_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_END = "-----END SSH SIGNATURE-----"
#: ssh-keygen writes the base64 text in lines of this many characters.
_LINE_WIDTH = 70
_MESSAGE_HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}
_RSA_HASHES = {"rsa-sha2-256": "SHA256", "rsa-sha2-512": "SHA512"}
_WEBAUTHN = "webauthn-sk-ecdsa-sha2-nistp256@openssh.com"
#: The signature types each key type may sign with: a security key never passes for a
#: plain key, nor the other way round.
_SIGNATURE_TYPES = {
    ED25519: (ED25519,),
    "ecdsa-sha2-nistp256": ("ecdsa-sha2-nistp256",),
    "ecdsa-sha2-nistp384": ("ecdsa-sha2-nistp384",),
    "ecdsa-sha2-nistp521": ("ecdsa-sha2-nistp521",),
    RSA: tuple(_RSA_HASHES),
    SK_ED25519: (SK_ED25519,),
    SK_ECDSA: (SK_ECDSA, _WEBAUTHN),
}
# The flags a FIDO authenticator signs (WebAuthn's authenticator data flags).
_USER_PRESENT = 0x01
_ATTESTED_DATA = 0x40
_EXTENSION_DATA = 0x80


class BadSignature(Exception):
    """A signature that does not verify; the message says why."""


def fingerprint(line: str) -> str | None:
    """The fingerprint of an OpenSSH public key line, or None if it is no usable key."""
    try:
        return PublicKey.from_openssh(line).fingerprint
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class SshSignature:
    """The parts of an armored SSH signature (PROTOCOL.sshsig)."""

    public_key: PublicKey
    namespace: str
    hash_algorithm: str
    #: The wrapped signature: its type, then what that type carries.
    signature: bytes


def dearmor(armored: str) -> bytes:
    """The bytes of an armored signature, which must be exactly as ssh-keygen writes it:
    the BEGIN line, base64 in lines of 70 characters, the END line, LF line ends."""
    if "\r" in armored:
        raise BadSignature("the signature has CR line ends; ssh-keygen writes LF only")
    lines = armored.removesuffix("\n").split("\n")
    if len(lines) < 3 or lines[0] != _BEGIN or lines[-1] != _END:
        raise BadSignature(f"the signature is not framed by a {_BEGIN} line and "
                           f"an {_END} line")
    body = lines[1:-1]
    if (any(len(line) != _LINE_WIDTH for line in body[:-1])
            or not 0 < len(body[-1]) <= _LINE_WIDTH):
        raise BadSignature("the signature's base64 text is not in lines of 70 characters "
                           "as ssh-keygen writes it")
    blob = canonical_base64("".join(body))
    if blob is None:
        raise BadSignature("the signature's base64 text is damaged or not in the "
                           "canonical form ssh-keygen writes")
    return blob


def parse(armored: str) -> SshSignature:
    """The parts of an armored SSH signature; BadSignature if it is damaged."""
    reader = Reader(dearmor(armored))
    try:
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
    except WireError as exc:
        raise BadSignature(f"the signature is damaged: {exc}") from None
    if reserved:
        raise BadSignature("the signature's reserved field is not empty")
    try:
        public_key = PublicKey.from_blob(key_blob)
    except BadKey as exc:
        raise BadSignature(f"the signature's key is refused: {exc}") from None
    return SshSignature(public_key, namespace, hash_algorithm, wrapped)


def verify(armored: str, message: bytes, namespace: str = NAMESPACE) -> PublicKey:
    """The key that made `armored` over `message` in `namespace`; BadSignature if not,
    whatever the bytes."""
    parsed = parse(armored)
    if parsed.namespace != namespace:
        raise BadSignature(f"the signature is for namespace {shown_name(parsed.namespace)}, "
                           f"not `{namespace}`")
    message_hash = _MESSAGE_HASHES.get(parsed.hash_algorithm)
    if message_hash is None:
        raise BadSignature(f"the signature uses hash {shown_name(parsed.hash_algorithm)}; "
                           "eta accepts sha256 and sha512")
    signed = b"".join((
        _MAGIC,
        ssh_string(parsed.namespace.encode("utf-8")),
        ssh_string(b""),
        ssh_string(parsed.hash_algorithm.encode("ascii")),
        ssh_string(message_hash(message).digest()),
    ))
    try:
        _verify_raw(parsed.public_key, parsed.signature, signed)
    except WireError as exc:
        raise BadSignature(f"the signature is damaged: {exc}") from None
    return parsed.public_key


def _verify_raw(key: PublicKey, wrapped: bytes, signed: bytes) -> None:
    reader = Reader(wrapped)
    signature_type = reader.text()
    if signature_type not in _SIGNATURE_TYPES[key.key_type]:
        if signature_type == "ssh-rsa":
            raise BadSignature("RSA signatures with SHA-1 (ssh-rsa) are not accepted; "
                               "ssh-keygen makes rsa-sha2-512 signatures")
        raise BadSignature(f"a signature of type {shown_name(signature_type)} by a "
                           f"{key.key_type} key is not accepted")
    material = key.material
    if isinstance(material, Ed25519Point):
        raw = reader.string()
        if key.key_type == SK_ED25519:
            authenticated = _security_key_signed_data(key, reader, signed, webauthn=False)
        else:
            reader.end()
            authenticated = signed
        if len(raw) != 64:
            raise BadSignature("the Ed25519 signature is not 64 bytes long")
        _check(_ed25519(material, raw, authenticated))
    elif isinstance(material, RsaNumbers):
        raw = reader.string()
        reader.end()
        if len(raw) != (material.n.bit_length() + 7) // 8:
            raise BadSignature("the RSA signature is not as long as its key")
        _check(_rsa(material, raw, signed, _RSA_HASHES[signature_type]))
    else:
        numbers = Reader(reader.string())
        if key.key_type == SK_ECDSA:
            authenticated = _security_key_signed_data(
                key, reader, signed, webauthn=signature_type == _WEBAUTHN)
        else:
            reader.end()
            authenticated = signed
        bits = material.curve.n.bit_length()
        r, s = numbers.mpint(bits), numbers.mpint(bits)
        numbers.end()
        if not (0 < r < material.curve.n and 0 < s < material.curve.n):
            raise BadSignature("the ECDSA signature's numbers are out of range")
        _check(_ecdsa(material, r, s, authenticated))


def _security_key_signed_data(key: PublicKey, reader: Reader, signed: bytes, *,
                              webauthn: bool) -> bytes:
    """What a FIDO authenticator signed (PROTOCOL.u2f): the application's hash, its flags,
    its counter, any extensions, and the hash of the message or of WebAuthn's client data.
    Refuses a signature made without the user's presence (a touch)."""
    flags = reader.byte()
    counter = reader.raw(4)
    extensions = b""
    if webauthn:
        origin = reader.text()
        client_data = reader.string()
        extensions = reader.string()
    reader.end()
    if not flags & _USER_PRESENT:
        raise BadSignature("the security key signed without the user's presence (a "
                           "touch); eta requires it")
    if flags & _ATTESTED_DATA or bool(flags & _EXTENSION_DATA) != bool(extensions):
        raise BadSignature("the security key's flags do not match what it signed")
    if webauthn:
        _check_client_data(client_data, origin, signed)
        message_hash = hashlib.sha256(client_data).digest()
    else:
        message_hash = hashlib.sha256(signed).digest()
    assert key.application is not None
    return b"".join((hashlib.sha256(key.application.encode("utf-8")).digest(),
                     bytes((flags,)), counter, extensions, message_hash))


def _check_client_data(client_data: bytes, origin: str, signed: bytes) -> None:
    """WebAuthn's client data must be the JSON a browser writes for an assertion of
    exactly the signed data, in the form OpenSSH checks."""
    challenge = base64.urlsafe_b64encode(signed).decode("ascii").rstrip("=")
    prefix = ('{"type":"webauthn.get","challenge":"' + challenge + '","origin":"'
              + origin + '"').encode("utf-8")
    if '"' in origin or not client_data.startswith(prefix):
        raise BadSignature("the WebAuthn client data is not for the signed content")
    try:
        data = json.loads(client_data.decode("utf-8"), object_pairs_hook=_unique_pairs)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadSignature("the WebAuthn client data is not JSON") from None
    if data.get("challenge") != challenge or data.get("origin") != origin:
        raise BadSignature("the WebAuthn client data is not for the signed content")


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise ValueError("a key appears twice")
    return data


# cryptography is imported in the functions below, not at the top: only verifying needs it,
# and a check whose signatures did not change should not pay for loading it. Each returns
# whether the signature matches.

def _ed25519(key: Ed25519Point, raw: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(key.encoded).verify(raw, data)
    except InvalidSignature:
        return False
    return True


def _rsa(key: RsaNumbers, raw: bytes, data: bytes, hash_name: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    public = rsa.RSAPublicNumbers(key.e, key.n).public_key()
    try:
        public.verify(raw, data, padding.PKCS1v15(), getattr(hashes, hash_name)())
    except InvalidSignature:
        return False
    return True


def _ecdsa(key: EcdsaPoint, r: int, s: int, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    curves: dict[str, ec.EllipticCurve] = {"nistp256": ec.SECP256R1(),
                                           "nistp384": ec.SECP384R1(),
                                           "nistp521": ec.SECP521R1()}
    curve = curves[key.curve.name]
    public = ec.EllipticCurvePublicNumbers(key.x, key.y, curve).public_key()
    try:
        public.verify(encode_dss_signature(r, s), data,
                      ec.ECDSA(getattr(hashes, key.curve.hash_name)()))
    except InvalidSignature:
        return False
    return True


def _check(matches: bool) -> None:
    if not matches:
        raise BadSignature("the signature does not match the signed content")


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
    try:
        status = path.stat()
    except OSError:
        raise EtaError(f"no SSH key file at {path}") from None
    if not stat.S_ISREG(status.st_mode):
        raise EtaError(f"{path} is no regular file; an SSH key is one")
    if status.st_size > MAX_KEY_FILE_BYTES:
        raise EtaError(f"{path} is larger than {MAX_KEY_FILE_BYTES:,} bytes: no SSH key is")
    return SigningKey(path, _public_half(path))


#: No SSH key file is larger (a 16384-bit RSA private key takes some 13 KB): a larger one
#: is refused before it is read, or handed to ssh-keygen.
MAX_KEY_FILE_BYTES = 64 * 1024


def _public_half(path: Path) -> PublicKey | None:
    """The public key of the key file at `path`, where it can be known without a passphrase."""
    for candidate in (path, path.with_name(path.name + ".pub")):
        try:
            # Without waiting: a named pipe in the key's place would never answer.
            fd = os.open(candidate, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    continue
                first = handle.read(MAX_KEY_FILE_BYTES).decode("utf-8").strip()
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
