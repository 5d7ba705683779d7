"""Install every hook the course layer places inside moto, once; tests/test_moto_hooks.py guards each one."""
from __future__ import annotations

import threading

_lock = threading.Lock()
_installed = False


def install() -> None:
    """Patch moto where a KMS behaviour lives inside it (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        from . import cfn_change_sets, cfn_kms, cfn_parameters, cfn_stack_events, deletion, encryption_context, lazy_private_key, moto_session, rotation, s3_policy

        deletion.install()
        encryption_context.install()
        lazy_private_key.install()
        moto_session.install()
        rotation.install()
        cfn_kms.install()
        cfn_change_sets.install()
        cfn_stack_events.install()
        cfn_parameters.install()
        s3_policy.install()
        _installed = True
