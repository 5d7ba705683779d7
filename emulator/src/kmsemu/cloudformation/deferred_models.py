"""Load moto's CloudFormation without every service's models; they load when a template first needs them.

moto.cloudformation.parsing imports the models of two dozen services so that CloudFormationModel's
subclasses include their resource types. EC2 (pulled in by SSM, Lambda, RDS and others) and API Gateway
alone add about 110 MB to a kernel whose templates use only AWS::KMS::*. Here CloudFormation is imported
with stand-ins for those modules; the first resource type that the loaded models do not define imports
them all for real, so every template moto supports still deploys.
"""
from __future__ import annotations

import importlib
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from kmsemu.patches import replace

DEFERRED_MODELS = (
    "moto.apigateway.models", "moto.autoscaling.models", "moto.awslambda.models", "moto.batch.models",
    "moto.datapipeline.models", "moto.dynamodb.models", "moto.ec2.models",
    "moto.ecr.models", "moto.ecs.models", "moto.efs.models", "moto.elb.models", "moto.elbv2.models",
    "moto.emr.models", "moto.iot.models", "moto.kinesis.models", "moto.rds.models",
    "moto.redshift.models", "moto.route53.models", "moto.sagemaker.models", "moto.ssm.models",
    "moto.stepfunctions.models",
)
"""Service models that moto's CloudFormation imports and the course's templates never use."""

KEPT_MODELS = (
    "moto.cloudwatch.models", "moto.events.models", "moto.iam.models", "moto.kms.models", "moto.s3.models",
    "moto.sns.models", "moto.sqs.models",
)
"""The other models it imports: the course uses them, or S3 and CloudFormation's own module import them."""

DEFERRED_NAMES = {
    "moto.ec2.models.core": ("TaggedEC2Resource",),
    "moto.ssm": ("ssm_backends",),
    "moto.awslambda.utils": ("get_backend",),
}
"""Names that moto's CloudFormation modules import from deferred packages, beyond the models modules."""

_lock = threading.RLock()
_loaded = False


def load_all() -> None:
    """Import every deferred models module for real (idempotent)."""
    global _loaded
    with _lock:
        if not _loaded:
            for name in DEFERRED_MODELS:
                importlib.import_module(name)
            _loaded = True


def _real(module: str, name: str | None = None) -> Any:
    """The real module, or one of its attributes, importing it now."""
    real = importlib.import_module(module)
    if isinstance(real, DeferredModule):
        raise ImportError(f"{module} is deferred while moto's CloudFormation imports; add it to KEPT_MODELS")
    return real if name is None else getattr(real, name)


class DeferredModule(types.ModuleType):
    """Stands in for a models module: the first attribute read imports the real one and delegates."""

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(_real(self.__name__), attribute)


class _DeferredClassMeta(type):
    """isinstance against the stand-in is the real class's answer once its module is loaded, else False."""

    _module: str
    _name: str

    def __instancecheck__(cls, instance: Any) -> bool:
        module = sys.modules.get(cls._module)
        return module is not None and not isinstance(module, DeferredModule) and isinstance(
            instance, getattr(module, cls._name))


class _DeferredBackends:
    """Stands in for a BackendDict: indexing imports the real one."""

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name = module, name

    def __getitem__(self, key: str) -> Any:
        return _real(self._module, self._name)[key]


def _deferred_function(module: str, name: str) -> Callable[..., Any]:
    """A function that imports the real one on its first call and calls it."""
    def call(*args: Any, **kwargs: Any) -> Any:
        return _real(module, name)(*args, **kwargs)
    call.__name__ = name
    return call


def _stand_in(module: str, name: str) -> Any:
    """The stand-in for one name of DEFERRED_NAMES."""
    if name[0].isupper():
        return _DeferredClassMeta(name, (), {"_module": module, "_name": name})
    if name.endswith("_backends"):
        return _DeferredBackends(module, name)
    return _deferred_function(module, name)


def _stand_in_modules() -> dict[str, types.ModuleType]:
    """sys.modules entries that satisfy moto's CloudFormation imports without running the deferred modules."""
    stand_ins: dict[str, types.ModuleType] = {}
    for models in DEFERRED_MODELS:
        if models in sys.modules:
            continue
        package = models.rpartition(".")[0]
        stand_ins[models] = DeferredModule(models)
        stand_ins.setdefault(package, types.ModuleType(package))
        stand_ins[package].models = stand_ins[models]  # type: ignore[attr-defined]
    for module, names in DEFERRED_NAMES.items():
        if module in sys.modules:
            continue
        stand_in = stand_ins.setdefault(module, types.ModuleType(module))
        for name in names:
            setattr(stand_in, name, _stand_in(module, name))
    return stand_ins


@contextmanager
def _standing_in(stand_ins: dict[str, types.ModuleType]) -> Iterator[None]:
    """Put the stand-ins in sys.modules for the duration, then take out whichever are still there."""
    for name, module in stand_ins.items():
        sys.modules.setdefault(name, module)
    try:
        yield
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _load_on_unknown_type(parsing: types.ModuleType) -> None:
    """Wrap parsing.resource_class_from_type: a type no loaded model defines loads every deferred model first."""
    def wrap(original: Callable[[str], Any]) -> Callable[[str], Any]:
        def resource_class_from_type(resource_type: str) -> Any:
            if resource_type not in parsing.get_model_map() and not _loaded:
                load_all()
                for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
                    cached.cache_clear()
            return original(resource_type)

        return resource_class_from_type

    replace(parsing, "resource_class_from_type", wrap)


def import_cloudformation() -> None:
    """Import moto.cloudformation with the deferred models standing in (no-op if it is already imported)."""
    with _lock:
        if "moto.cloudformation.parsing" in sys.modules:
            return
        for name in KEPT_MODELS:
            importlib.import_module(name)
        with _standing_in(_stand_in_modules()):
            import moto.cloudformation.models  # noqa: F401
            import moto.cloudformation.parsing as parsing
        _load_on_unknown_type(parsing)
