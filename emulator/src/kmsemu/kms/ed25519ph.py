"""Ed25519ph (RFC 8032 section 5.1, HashEdDSA with an empty context), which the cryptography library lacks.

KMS's ED25519_PH_SHA_512 takes a 64-byte digest (MessageType DIGEST) and still applies the SHA-512 prehash,
so the signature is Ed25519ph over the digest as the message:
https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
"""
from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives import serialization

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_I = pow(2, (_P - 1) // 4, _P)  # sqrt(-1)
_DOM2 = b"SigEd25519 no Ed25519 collisions" + bytes([1, 0])  # phflag 1, empty context

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T)


def _add(p: Point, q: Point) -> Point:
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return e * f % _P, g * h % _P, f * g % _P, e * h % _P


def _multiply(scalar: int, point: Point) -> Point:
    result: Point = (0, 1, 1, 0)
    while scalar > 0:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _I % _P
    if (x * x - x2) % _P != 0:
        return None
    return _P - x if (x & 1) != sign else x


_BY = 4 * pow(5, _P - 2, _P) % _P
_BX = _recover_x(_BY, 0) or 0
_B: Point = (_BX, _BY, 1, _BX * _BY % _P)


def _encode(point: Point) -> bytes:
    zinv = pow(point[2], _P - 2, _P)
    x, y = point[0] * zinv % _P, point[1] * zinv % _P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _decode(data: bytes) -> Point | None:
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def _equal(p: Point, q: Point) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _h(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha512(b"".join(parts)).digest(), "little")


def sign(private: Any, message: bytes) -> bytes:
    """Ed25519ph signature of `message` (prehashed here with SHA-512) by a cryptography Ed25519 private key."""
    seed = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
    expanded = hashlib.sha512(seed).digest()
    a = int.from_bytes(expanded[:32], "little")
    a = (a & ((1 << 254) - 8)) | (1 << 254)
    public = _encode(_multiply(a, _B))
    prehash = hashlib.sha512(message).digest()
    r = _h(_DOM2, expanded[32:], prehash) % _L
    encoded_r = _encode(_multiply(r, _B))
    k = _h(_DOM2, encoded_r, public, prehash) % _L
    return encoded_r + int.to_bytes((r + k * a) % _L, 32, "little")


def verify(public: Any, message: bytes, signature: bytes) -> bool:
    """Whether `signature` is an Ed25519ph signature of `message` under a cryptography Ed25519 public key."""
    encoded = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    point_a = _decode(encoded)
    if len(signature) != 64 or point_a is None:
        return False
    point_r = _decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if point_r is None or s >= _L:
        return False
    k = _h(_DOM2, signature[:32], encoded, hashlib.sha512(message).digest()) % _L
    return _equal(_multiply(s, _B), _add(point_r, _multiply(k, point_a)))
