"""Template parameter constraints, checked before CloudFormation starts work, as AWS checks them.

moto ignores AllowedPattern, AllowedValues, MinValue/MaxValue and MinLength/MaxLength, so a value AWS refuses
at CreateStack, UpdateStack or CreateChangeSet (ValidationError, nothing created) reached the resources.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kmsemu.patches import replace


def problem(name: str, spec: dict[str, Any], value: Any) -> str | None:
    """Why `value` breaks parameter `name`'s constraints, or None when it satisfies them."""
    text = str(value)
    if spec.get("AllowedValues") is not None and text not in [str(v) for v in spec["AllowedValues"]]:
        return f"Parameter '{name}' must be one of AllowedValues"
    if spec.get("Type", "String") == "Number":
        try:
            number = float(text)
        except ValueError:
            return f"Parameter '{name}' must be a number"
        if spec.get("MinValue") is not None and number < float(spec["MinValue"]):
            return f"Parameter '{name}' must be a number not less than {spec['MinValue']}"
        if spec.get("MaxValue") is not None and number > float(spec["MaxValue"]):
            return f"Parameter '{name}' must be a number not greater than {spec['MaxValue']}"
        return None
    if spec.get("MinLength") is not None and len(text) < int(spec["MinLength"]):
        return f"Parameter '{name}' must contain at least {spec['MinLength']} characters"
    if spec.get("MaxLength") is not None and len(text) > int(spec["MaxLength"]):
        return f"Parameter '{name}' must contain at most {spec['MaxLength']} characters"
    pattern = spec.get("AllowedPattern")
    if pattern is not None and re.fullmatch(str(pattern), text) is None:
        described = spec.get("ConstraintDescription")
        return (f"Parameter '{name}' failed to satisfy constraint: {described}" if described
                else f"Parameter '{name}' must match pattern {pattern}")
    return None


def with_defaults(template: dict[str, Any] | None, parameters: dict[str, Any]) -> dict[str, Any]:
    """The given parameter values over the template's declared defaults."""
    declared = (template or {}).get("Parameters") or {}
    values = {name: spec.get("Default") for name, spec in declared.items()
              if isinstance(spec, dict) and spec.get("Default") is not None}
    return {**values, **parameters}


def check(template: Any, parameters: dict[str, Any]) -> None:
    """Raise CloudFormation's ValidationError for the first parameter whose value breaks its constraints."""
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import Stack

    if not template:
        return
    body = template if isinstance(template, dict) else Stack.parse_template(template)
    values = with_defaults(body, parameters)
    for name, spec in ((body or {}).get("Parameters") or {}).items():
        value = values.get(name)
        found = problem(name, spec, value) if value is not None and isinstance(spec, dict) else None
        if found:
            raise ValidationError(message=found)


def _checked(original: Callable[..., Any], resolve: Callable[..., tuple[Any, dict[str, Any]]]) -> Callable[..., Any]:
    """Wrap a backend method so it checks the template's parameters before doing anything."""
    def checked(backend: Any, *args: Any, **kwargs: Any) -> Any:
        template, parameters = resolve(backend, *args, **kwargs)
        check(template, parameters)
        return original(backend, *args, **kwargs)
    return checked


def _for_create(backend: Any, name: str, template: str, parameters: dict[str, Any], *a: Any, **k: Any) -> Any:
    return template, parameters


def _for_update(backend: Any, name: str, template: str, role_arn: Any, parameters: list[dict[str, Any]], *a: Any, **k: Any) -> Any:
    stack = backend.get_stack(name)
    return template, backend._resolve_update_parameters(instance=stack, incoming_params=parameters)


def _for_change_set(backend: Any, *args: Any, **kwargs: Any) -> Any:
    return kwargs.get("template"), kwargs.get("parameters") or {}


def install() -> None:
    """Check parameters in CloudFormationBackend.create_stack, update_stack and create_change_set."""
    from kmsemu.cloudformation.deferred_models import import_cloudformation

    import_cloudformation()
    from moto.cloudformation.models import CloudFormationBackend as Backend

    replace(Backend, "create_stack", lambda original: _checked(original, _for_create))
    replace(Backend, "update_stack", lambda original: _checked(original, _for_update))
    replace(Backend, "create_change_set", lambda original: _checked(original, _for_change_set))
