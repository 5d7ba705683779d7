"""Keep CloudFormation's first call fast: skip one slow optional import that the emulator never needs.

moto's API Gateway models (which CloudFormation loads for templates beyond AWS::KMS::*) import jsonschema.
When rfc3987-syntax is installed (Jupyter pulls it in), jsonschema builds an IRI grammar at import: about
1.5 s of CPU. jsonschema treats the package as optional, so marking it absent only drops IRI format checks.
"""
from __future__ import annotations

import sys

SKIPPED = ("rfc3987_syntax",)
"""Optional modules the emulator's process does without."""


def skip_slow_optional_imports() -> None:
    """Mark the slow optional modules as absent, unless something already imported them."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
