"""Config validation against the JSON schema, with messages that name the key and the fix."""

from __future__ import annotations

import difflib
from pathlib import Path

import jsonschema
import yaml


class ConfigError(ValueError):
    pass


def _where(path) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def _message(err: jsonschema.ValidationError) -> str:
    where = _where(err.absolute_path)
    if err.validator == "additionalProperties":
        allowed = list(err.schema.get("properties", {}))
        extra = sorted(set(err.instance) - set(allowed))
        parts = []
        for key in extra:
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"allowed keys: {', '.join(allowed)}"
            parts.append(f"unknown key {_where([*err.absolute_path, key])!r}: {hint}")
        return "; ".join(parts)
    if err.validator == "required":
        return f"{where}: {err.message}"
    if err.validator == "enum":
        return f"{where}: {err.instance!r} is not one of {err.validator_value}"
    return f"{where}: {err.message}"


def validate_config(config: dict, schema_path: str | Path) -> None:
    """Raise ConfigError listing every problem in `config`, each naming its key."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = "\n".join(f"  - {_message(e)}" for e in errors)
        raise ConfigError(f"config.yaml is invalid ({len(errors)} problem(s)):\n{lines}")
