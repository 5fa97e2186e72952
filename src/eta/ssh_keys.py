"""SSH public keys: read, validated and compared in one place.

The register of authorised representatives and the signature verifier both take their keys
from here, so a key the register holds is exactly a key a signature can be made with, and
"the same key" means the same thing everywhere: the same decoded key blob, whatever the
spelling of the line it came from.

Validation is OpenSSH's, or stricter, and needs no cryptography library: a check of the
register must stay cheap. Refused are the types OpenSSH deprecates or eta cannot trust
(DSA, certificates, unknown types), RSA under 2048 bits, ECDSA points that are not
uncompressed points on their curve (or that OpenSSH's own checks refuse), Ed25519 points
that are not on the curve or of low order, integers that are not canonical, and base64
that is not exactly as ssh-keygen writes it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

ED25519 = "ssh-ed25519"
RSA = "ssh-rsa"
SK_ED25519 = "sk-ssh-ed25519@openssh.com"
SK_ECDSA = "sk-ecdsa-sha2-nistp256@openssh.com"

#: RSA moduli below this many bits are refused; above OpenSSH's own limit as well.
RSA_MINIMUM_BITS = 2048
RSA_MAXIMUM_BITS = 16384

#: The key types eta accepts, as the README lists them.
ACCEPTED_TYPES = (ED25519, "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                  "ecdsa-sha2-nistp521", RSA, SK_ED25519, SK_ECDSA)

#: A register line longer than this holds no key eta accepts (16384-bit RSA fits easily).
LINE_LIMIT = 16384


class BadKey(ValueError):
    """An SSH public key eta does not accept; the message says why."""


class WireError(ValueError):
    """SSH wire-format data (RFC 4251) that is truncated or malformed."""


class Reader:
    """Reads SSH wire-format values from a byte string, refusing anything OpenSSH writes
    differently: a truncated value, a name that is not text, a non-canonical integer."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def raw(self, length: int) -> bytes:
        end = self.offset + length
        if end > len(self.data):
            raise WireError("it is truncated")
        value = self.data[self.offset:end]
        self.offset = end
        return value

    def byte(self) -> int:
        return self.raw(1)[0]

    def uint32(self) -> int:
        return int.from_bytes(self.raw(4), "big")

    def string(self) -> bytes:
        return self.raw(self.uint32())

    def text(self) -> str:
        """A name or other text: UTF-8 without NUL or other control characters."""
        value = self.string()
        try:
            decoded = value.decode("utf-8")
        except UnicodeDecodeError:
            raise WireError("it holds a name that is not text") from None
        if not decoded.isprintable():
            raise WireError("it holds a name with control characters")
        return decoded

    def mpint(self, limit_bits: int = RSA_MAXIMUM_BITS) -> int:
        """A non-negative multiple-precision integer in its one canonical encoding."""
        value = self.string()
        if value and value[0] & 0x80:
            raise WireError("it holds a negative number")
        if value[:1] == b"\0" and (len(value) == 1 or not value[1] & 0x80):
            raise WireError("it holds a number with a needless leading zero byte")
        number = int.from_bytes(value, "big")
        if number.bit_length() > limit_bits:
            raise WireError("it holds a number too large for its field")
        return number

    def end(self) -> None:
        if self.offset != len(self.data):
            raise WireError("it has trailing data")


def ssh_string(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def canonical_base64(text: str) -> bytes | None:
    """The bytes of `text` if it is base64 exactly as ssh-keygen writes it (padded, no
    stray `=`, no non-zero pad bits, nothing else), else None."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if base64.b64encode(data).decode("ascii") == text else None


@dataclass(frozen=True, slots=True)
class Curve:
    """A NIST prime curve y^2 = x^3 - 3x + b over GF(p), of prime order n."""

    name: str
    p: int
    b: int
    n: int
    hash_name: str

    @property
    def coordinate_bytes(self) -> int:
        return (self.p.bit_length() + 7) // 8


CURVES = {
    "nistp256": Curve(
        "nistp256",
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        "SHA256"),
    "nistp384": Curve(
        "nistp384",
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
        "SHA384"),
    "nistp521": Curve(
        "nistp521",
        (1 << 521) - 1,
        0x0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00,
        0x01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409,
        "SHA512"),
}

_ECDSA_TYPES = {f"ecdsa-sha2-{name}": curve for name, curve in CURVES.items()}


@dataclass(frozen=True, slots=True)
class Ed25519Point:
    encoded: bytes
    #: The point times the cofactor 8: equal for points that differ by a point of low
    #: order, which the holder of one private key can sign for alike.
    cleared: bytes


@dataclass(frozen=True, slots=True)
class EcdsaPoint:
    curve: Curve
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class RsaNumbers:
    e: int
    n: int


#: The RSA public exponent is at most this many bits, as OpenSSL requires of large moduli:
#: a huge exponent only makes every verification slow.
RSA_EXPONENT_BITS = 64


Material = Ed25519Point | EcdsaPoint | RsaNumbers


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A validated SSH public key by its wire-format blob: two keys are the same key when
    their blobs are equal, whatever the lines they were written in."""

    key_type: str
    blob: bytes
    material: Material = field(compare=False, repr=False)
    #: The FIDO application (relying party) of a security key; None for other keys.
    application: str | None = field(default=None, compare=False)

    @classmethod
    def from_openssh(cls, line: str) -> PublicKey:
        """A key from an OpenSSH public key line: `type base64 [comment]`."""
        if len(line) > LINE_LIMIT:
            raise BadKey("the line is too long to be an SSH public key")
        parts = line.split()
        if len(parts) < 2:
            raise BadKey("expected an SSH public key such as `ssh-ed25519 AAAA... comment`")
        _refuse_type(parts[0])
        blob = canonical_base64(parts[1])
        if blob is None:
            raise BadKey("the key's base64 text is damaged or not in the canonical form "
                         "ssh-keygen writes")
        key = cls.from_blob(blob)
        if key.key_type != parts[0]:
            raise BadKey(f"the key's data is of type {key.key_type}, not {parts[0]}")
        return key

    @classmethod
    def from_blob(cls, blob: bytes) -> PublicKey:
        """A key from its wire-format blob, as an SSH signature carries it."""
        reader = Reader(blob)
        try:
            key_type = reader.text()
            _refuse_type(key_type)
            material = _read_material(key_type, reader)
            application = reader.text() if key_type in (SK_ED25519, SK_ECDSA) else None
            reader.end()
        except WireError as exc:
            raise BadKey(f"the key's data is damaged: {exc}") from None
        return cls(key_type, blob, material, application)

    @property
    def identity(self) -> bytes:
        """What one private key signs for, whatever type or spelling its public half is
        written in: an Ed25519 point (times the cofactor; a security key's or not), an
        ECDSA point on its curve (the same), an RSA modulus (any exponent)."""
        material = self.material
        if isinstance(material, Ed25519Point):
            return b"ed25519:" + material.cleared
        if isinstance(material, EcdsaPoint):
            size = material.curve.coordinate_bytes
            return (f"ecdsa-{material.curve.name}:".encode() + material.x.to_bytes(size, "big")
                    + material.y.to_bytes(size, "big"))
        return b"rsa:" + material.n.to_bytes((material.n.bit_length() + 7) // 8, "big")

    @property
    def fingerprint(self) -> str:
        """The SHA256 fingerprint, written as ssh-keygen -l writes it."""
        digest = base64.b64encode(hashlib.sha256(self.blob).digest()).decode("ascii")
        return "SHA256:" + digest.rstrip("=")

    def openssh(self) -> str:
        return f"{self.key_type} {base64.b64encode(self.blob).decode('ascii')}"


@lru_cache(maxsize=4096)
def registered_key(line: str) -> PublicKey | None:
    """The key on a register line, read once however often it is asked for; None if the
    line holds no valid key (the register's check reports it)."""
    try:
        return PublicKey.from_openssh(line)
    except BadKey:
        return None


def key_identity(line: str) -> bytes | None:
    """The identity (see PublicKey.identity) of the key on a register line: the same key in
    two spellings, or in two forms one private key signs for, is one key."""
    key = registered_key(line)
    return None if key is None else key.identity


class KeyOwners:
    """Who each key is registered for, by its identity: a key belongs to one representative.

    The register's check and every command that adds a key judge by this one table."""

    def __init__(self) -> None:
        self._owners: dict[bytes | None, str] = {}

    def owner(self, line: str) -> str | None:
        """Whom the key on `line` is registered for so far; None when no one."""
        return self._owners.get(key_identity(line))

    def claim(self, line: str, who: str) -> str | None:
        """Register the key on `line` for `who`; the other representative it is registered
        for already, if any (the key then stays theirs)."""
        first = self._owners.setdefault(key_identity(line), who)
        return None if first == who else first


def _refuse_type(key_type: str) -> None:
    if key_type in ACCEPTED_TYPES:
        return
    if key_type == "ssh-dss":
        raise BadKey("DSA keys (ssh-dss) are not accepted: OpenSSH no longer trusts them")
    if "-cert-v0" in key_type:
        raise BadKey(f"certificates ({key_type}) are not accepted: register the key itself")
    raise BadKey(f"keys of type {shown_name(key_type)} are not accepted; eta accepts "
                 + ", ".join(ACCEPTED_TYPES))


def shown_name(name: str) -> str:
    """A type name from hostile data as a message may show it: quoted when it looks like a
    name, so that no hostile bytes reach a terminal or a CI log."""
    if 0 < len(name) <= 64 and all(c.isascii() and (c.isalnum() or c in "@.+_-")
                                   for c in name):
        return f"`{name}`"
    return "(a name eta does not print)"


def _read_material(key_type: str, reader: Reader) -> Material:
    if key_type in (ED25519, SK_ED25519):
        encoded = reader.string()
        if len(encoded) != 32:
            raise BadKey("the Ed25519 key is not 32 bytes long")
        return Ed25519Point(encoded, _ed25519_cleared(encoded))
    if key_type == RSA:
        e = reader.mpint()
        n = reader.mpint()
        _check_rsa(e, n)
        return RsaNumbers(e, n)
    curve = CURVES["nistp256"] if key_type == SK_ECDSA else _ECDSA_TYPES[key_type]
    if reader.text() != curve.name:
        raise BadKey(f"the {key_type} key is not on curve {curve.name}")
    return _read_ecdsa_point(curve, reader.string())


def _check_rsa(e: int, n: int) -> None:
    bits = n.bit_length()
    if bits < RSA_MINIMUM_BITS:
        raise BadKey(f"the RSA key has {bits} bits; eta accepts RSA keys of "
                     f"{RSA_MINIMUM_BITS} bits or more")
    if not n & 1 or not e & 1 or not 3 <= e < n:
        raise BadKey("the RSA key's numbers are not those of an RSA key")
    if e.bit_length() > RSA_EXPONENT_BITS:
        raise BadKey(f"the RSA key's public exponent has more than {RSA_EXPONENT_BITS} bits")


def _read_ecdsa_point(curve: Curve, encoded: bytes) -> EcdsaPoint:
    size = curve.coordinate_bytes
    if encoded[:1] != b"\x04" or len(encoded) != 1 + 2 * size:
        raise BadKey(f"the ECDSA key's point is not an uncompressed {curve.name} point")
    x = int.from_bytes(encoded[1:1 + size], "big")
    y = int.from_bytes(encoded[1 + size:], "big")
    p = curve.p
    if x >= p or y >= p or (y * y - (x * x * x - 3 * x + curve.b)) % p:
        raise BadKey(f"the ECDSA key's point is not on curve {curve.name}")
    # OpenSSH's sshkey_ec_validate_public refuses these too; every point on these
    # prime-order curves but infinity (which has no uncompressed form) has order n.
    half = curve.n.bit_length() // 2
    if (x.bit_length() <= half or y.bit_length() <= half
            or x >= curve.n - 1 or y >= curve.n - 1):
        raise BadKey(f"the ECDSA key's point is one OpenSSH refuses on curve {curve.name}")
    return EcdsaPoint(curve, x, y)


# -- Ed25519 points (RFC 8032, section 5.1.3) -----------------------------------------------

_P = 2**255 - 19
_D = -121665 * pow(121666, -1, _P) % _P
_SQRT_MINUS_ONE = pow(2, (_P - 1) // 4, _P)


def _ed25519_cleared(encoded: bytes) -> bytes:
    """The point times the cofactor, after refusing an encoding that is not canonical, not
    a point, or a point of low order: a low-order key can be made to "verify" signatures
    without any private key."""
    y = int.from_bytes(encoded, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        raise BadKey("the Ed25519 key is not in its canonical encoding")
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x = u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P) % _P
    if (v * x * x - u) % _P:
        x = x * _SQRT_MINUS_ONE % _P
        if (v * x * x - u) % _P:
            raise BadKey("the Ed25519 key is not a point on the curve")
    if x == 0 and sign:
        raise BadKey("the Ed25519 key is not in its canonical encoding")
    if x & 1 != sign:
        x = _P - x
    point = (x, y, 1, x * y % _P)
    for _ in range(3):
        point = _ed25519_double(point)
    x, y, z, _ = point
    if x == 0 and y == z:
        raise BadKey("the Ed25519 key is a point of low order, which no private key has")
    inverse = pow(z, -1, _P)
    x, y = x * inverse % _P, y * inverse % _P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _ed25519_double(point: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """2P in extended coordinates (the "dbl-2008-hwcd" formulas for a = -1)."""
    x1, y1, z1, _ = point
    a = x1 * x1 % _P
    b = y1 * y1 % _P
    c = 2 * z1 * z1 % _P
    h = a + b
    e = (h - (x1 + y1) ** 2) % _P
    g = (a - b) % _P
    f = (c + g) % _P
    return e * f % _P, g * h % _P, f * g % _P, e * h % _P
