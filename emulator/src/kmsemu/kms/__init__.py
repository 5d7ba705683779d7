"""KMS: the request layer in front of moto, key states, identifiers, grants and the access gate."""
