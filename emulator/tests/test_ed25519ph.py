"""kmsemu.kms.ed25519ph against the Ed25519ph test vector of RFC 8032 section 7.3 (cryptography has no Ed25519ph)."""
from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ed25519

from kmsemu.kms import ed25519ph

SECRET = bytes.fromhex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42")
PUBLIC = bytes.fromhex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf")
SIGNATURE = bytes.fromhex("98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"
                          "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406")


def test_rfc8032_vector() -> None:
    """RFC 8032 7.3, TEST abc: the signature of "abc" is the published one, and it verifies."""
    private = ed25519.Ed25519PrivateKey.from_private_bytes(SECRET)
    assert private.public_key() == ed25519.Ed25519PublicKey.from_public_bytes(PUBLIC)
    assert ed25519ph.sign(private, b"abc") == SIGNATURE
    assert ed25519ph.verify(private.public_key(), b"abc", SIGNATURE)


def test_altered_input_fails() -> None:
    """Another message, an altered signature, or a pure Ed25519 signature do not verify as Ed25519ph."""
    private = ed25519.Ed25519PrivateKey.from_private_bytes(SECRET)
    public = private.public_key()
    assert not ed25519ph.verify(public, b"abd", SIGNATURE)
    assert not ed25519ph.verify(public, b"abc", SIGNATURE[:-1] + bytes([SIGNATURE[-1] ^ 1]))
    assert not ed25519ph.verify(public, b"abc", private.sign(b"abc"))
    assert not ed25519ph.verify(public, b"abc", b"short")
