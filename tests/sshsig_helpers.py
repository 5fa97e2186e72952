"""SSH signatures made by hand, to PROTOCOL.sshsig and PROTOCOL.u2f: the wire format, and a
software FIDO security key (there is no hardware in a test) that signs as one would."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_ssh_private_key,
)

SK_ED25519 = "sk-ssh-ed25519@openssh.com"
SK_ECDSA = "sk-ecdsa-sha2-nistp256@openssh.com"
WEBAUTHN = "webauthn-sk-ecdsa-sha2-nistp256@openssh.com"
USER_PRESENT = 0x01
USER_VERIFIED = 0x04
ATTESTED_DATA = 0x40
EXTENSION_DATA = 0x80


def ssh_string(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def mpint(value: int) -> bytes:
    """An SSH mpint in its canonical form."""
    data = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return ssh_string(b"\0" + data if data and data[0] & 0x80 else data)


def armor(blob: bytes, width: int = 70, newline: str = "\n") -> str:
    """An armored signature; ssh-keygen's own layout unless `width` or `newline` say else."""
    text = base64.b64encode(blob).decode()
    lines = [text[i:i + width] for i in range(0, len(text), width)]
    return newline.join(["-----BEGIN SSH SIGNATURE-----", *lines,
                         "-----END SSH SIGNATURE-----"]) + newline


def blob_of(armored: str) -> bytes:
    return base64.b64decode("".join(armored.strip().splitlines()[1:-1]))


def signed_data(message: bytes, namespace: str, hash_algorithm: str = "sha512",
                reserved: bytes = b"") -> bytes:
    """What an SSHSIG signature's key signs (PROTOCOL.sshsig)."""
    digest = hashlib.new(hash_algorithm, message).digest()
    return (b"SSHSIG" + ssh_string(namespace.encode()) + ssh_string(reserved)
            + ssh_string(hash_algorithm.encode()) + ssh_string(digest))


def sshsig(key_blob: bytes, namespace: str, hash_algorithm: str, wrapped: bytes,
           reserved: bytes = b"", version: int = 1) -> bytes:
    """An SSHSIG blob around a wrapped signature."""
    return (b"SSHSIG" + version.to_bytes(4, "big") + ssh_string(key_blob)
            + ssh_string(namespace.encode()) + ssh_string(reserved)
            + ssh_string(hash_algorithm.encode()) + ssh_string(wrapped))


def rsa_signature(key: Path, signature_type: str, digest: hashes.HashAlgorithm, message: bytes,
                  namespace: str = "eta-plan@eherkenning") -> str:
    """An SSHSIG made with an RSA key's private half, with the signature type and hash that
    ssh-keygen itself does not choose (over a sha256 message hash)."""
    private = load_ssh_private_key(key.read_bytes(), None)
    assert isinstance(private, rsa.RSAPrivateKey)
    raw = private.sign(signed_data(message, namespace, "sha256"), padding.PKCS1v15(), digest)
    public = base64.b64decode(key.with_name(key.name + ".pub").read_text().split()[1])
    return armor(sshsig(public, namespace, "sha256",
                        ssh_string(signature_type.encode()) + ssh_string(raw)))


def ssh_keygen_check(armored: str, message: bytes, namespace: str, folder: Path) -> bool:
    """Whether `ssh-keygen -Y check-novalidate` accepts the signature."""
    path = folder / "signature"
    path.write_text(armored, newline="")
    result = subprocess.run(["ssh-keygen", "-Y", "check-novalidate", "-n", namespace, "-s",
                             str(path)], input=message, capture_output=True, check=False)
    return result.returncode == 0


@dataclass
class SoftwareSecurityKey:
    """A FIDO security key in software: sk-ssh-ed25519 or sk-ecdsa-sha2-nistp256, signing as
    an authenticator does (the application's hash, flags and counter are signed with the
    message), optionally through a browser's WebAuthn (client data JSON around the
    challenge)."""

    key_type: str
    application: str = "ssh:"
    counter: int = 0
    private: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey = field(init=False)

    def __post_init__(self) -> None:
        self.private = (ed25519.Ed25519PrivateKey.generate() if self.key_type == SK_ED25519
                        else ec.generate_private_key(ec.SECP256R1()))

    @property
    def public_blob(self) -> bytes:
        if isinstance(self.private, ed25519.Ed25519PrivateKey):
            point = ssh_string(self.private.public_key().public_bytes(Encoding.Raw,
                                                                      PublicFormat.Raw))
        else:
            point = ssh_string(b"nistp256") + ssh_string(self.private.public_key().public_bytes(
                Encoding.X962, PublicFormat.UncompressedPoint))
        return ssh_string(self.key_type.encode()) + point + ssh_string(self.application.encode())

    @property
    def public_line(self) -> str:
        return f"{self.key_type} {base64.b64encode(self.public_blob).decode()} software-fido"

    def _authenticator_sign(self, data: bytes) -> bytes:
        if isinstance(self.private, ed25519.Ed25519PrivateKey):
            return ssh_string(self.private.sign(data))
        r, s = decode_dss_signature(self.private.sign(data, ec.ECDSA(hashes.SHA256())))
        return ssh_string(mpint(r) + mpint(s))

    def wrapped(self, signed: bytes, *, flags: int = USER_PRESENT, signature_type: str = "",
                webauthn_origin: str | None = None, client_data: bytes | None = None,
                extensions: bytes = b"") -> bytes:
        """The wrapped signature of `signed` (PROTOCOL.u2f's SSH signature encoding)."""
        self.counter += 1
        counter = self.counter.to_bytes(4, "big")
        application_hash = hashlib.sha256(self.application.encode()).digest()
        if webauthn_origin is None:
            message_hash = hashlib.sha256(signed).digest()
        else:
            if client_data is None:
                challenge = base64.urlsafe_b64encode(signed).decode().rstrip("=")
                client_data = json.dumps({"type": "webauthn.get", "challenge": challenge,
                                          "origin": webauthn_origin, "crossOrigin": False},
                                         separators=(",", ":")).encode()
            message_hash = hashlib.sha256(client_data).digest()
        raw = self._authenticator_sign(application_hash + bytes((flags,)) + counter
                                       + extensions + message_hash)
        name = signature_type or (WEBAUTHN if webauthn_origin is not None else self.key_type)
        wrapped = ssh_string(name.encode()) + raw + bytes((flags,)) + counter
        if webauthn_origin is not None:
            assert client_data is not None
            wrapped += (ssh_string(webauthn_origin.encode()) + ssh_string(client_data)
                        + ssh_string(extensions))
        return wrapped

    def sign(self, message: bytes, namespace: str, hash_algorithm: str = "sha512", *,
             flags: int = USER_PRESENT, webauthn_origin: str | None = None,
             extensions: bytes = b"") -> str:
        """An armored SSHSIG signature of `message`, as ssh-keygen would write it."""
        signed = signed_data(message, namespace, hash_algorithm)
        wrapped = self.wrapped(signed, flags=flags, webauthn_origin=webauthn_origin,
                               extensions=extensions)
        return armor(sshsig(self.public_blob, namespace, hash_algorithm, wrapped))
