"""Full FHIR R4 validation of each resource with ``fhir.resources`` (``--fhir-validate``).

Why optional: the models validate every element and datatype, which the direct mapping does
not, but they read far fewer resources per second (docs/fhir.md has the numbers). The R4B
models are used because the package's default import path is R5, which rejects valid R4
resources (R4B keeps R4's shapes for every resource bhi-audit reads).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bhi_audit.errors import ConfigError
from bhi_audit.loaders.fhir import Validator


def pointer(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as a JSON pointer (``/code/coding/0/system``)."""
    return "".join(f"/{part}" for part in loc if part not in ("__root__",)) or "/"


def make_validator() -> Validator:
    """A validator over ``fhir.resources.R4B``; a ConfigError when it is not installed."""
    try:
        from fhir.resources.R4B import get_fhir_model_class
    except ImportError:
        raise ConfigError(
            "--fhir-validate needs the fhir.resources package: pip install 'bhi-audit[fhir]'"
        ) from None

    def validate(resource: dict[str, Any]) -> list[tuple[str, str]]:
        rtype = resource.get("resourceType")
        try:
            model = get_fhir_model_class(str(rtype))
        except (KeyError, ValueError):
            return [("/resourceType", f"unknown FHIR R4 resource type {rtype!r}")]
        try:
            model.model_validate(resource)
        except ValidationError as exc:
            return [(pointer(tuple(e["loc"])), str(e["msg"])) for e in exc.errors()]
        except (TypeError, ValueError) as exc:  # NOTE: some model validators raise these
            return [("/", str(exc))]
        return []

    return validate
