"""Who may use a key: identity, signatures, key policies, IAM policies and grants, decided as AWS decides.

`middleware.authorization` is the course layer's outermost middleware; `gate.authorize` is the decision
for one KMS call, also used for calls another service makes on the caller's behalf.
"""
from .middleware import authorization

__all__ = ["authorization"]
