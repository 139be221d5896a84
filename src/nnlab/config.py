"""Config validation against the JSON schema, with messages that name the key and the fix."""

from __future__ import annotations

import difflib
import functools
from pathlib import Path

import jsonschema
import yaml


class ConfigError(ValueError):
    pass


# JSON Schema counts 1e12 (a float) as an integer; the workflow would then fail deep in range() with a
# traceback. An integer setting is written as one.
_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda checker, v: isinstance(v, int) and not isinstance(v, bool)
)
Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=_TYPES)


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


def read_yaml(path: str | Path):
    """Parse a YAML file safely, with libyaml's C parser when PyYAML has it: the schema is read at
    the start of every snakemake command, where the pure-Python parser costs ~0.1 s of a dry run."""
    return yaml.load(Path(path).read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def overlay(base: dict, over: dict) -> dict:
    """`base` with `over` merged in, nested mappings key by key (as Snakemake merges a
    --configfile over config.yaml); `base` is left unchanged."""
    out = dict(base)
    for k, v in over.items():
        out[k] = overlay(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


@functools.lru_cache(maxsize=4)
def _validator(schema_path: str):
    return Validator(read_yaml(schema_path))


def validate_config(config: dict, schema_path: str | Path) -> None:
    """Raise ConfigError listing every problem in `config`, each naming its key."""
    validator = _validator(str(schema_path))
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = "\n".join(f"  - {_message(e)}" for e in errors)
        raise ConfigError(f"config.yaml is invalid ({len(errors)} problem(s)):\n{lines}")


def _resolve(node: dict, root: dict) -> dict:
    while "$ref" in node:
        target = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        extra = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **extra}
    return node


def _type(node: dict) -> str:
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    t = node.get("type", "")
    if t == "array":
        item = node.get("items", {})
        return f"list of {_type(item) or 'values'}"
    bounds = [
        f"≥ {node['minimum']}" if "minimum" in node else "",
        f"> {node['exclusiveMinimum']}" if "exclusiveMinimum" in node else "",
    ]
    return " ".join(filter(None, [t, *bounds]))


def schema_rows(schema: dict) -> list[tuple[str, str, str]]:
    """(key, type, description) for every key of the schema, nested keys dotted."""
    rows = []

    def walk(node, prefix):
        node = _resolve(node, schema)
        for key, sub in node.get("properties", {}).items():
            sub = _resolve(sub, schema)
            name = f"{prefix}{key}"
            rows.append((name, _type(sub) if sub.get("type") != "object" else "mapping", sub.get("description", "")))
            if sub.get("type") == "object":
                walk(sub, name + ".")

    walk(schema, "")
    return rows


def markdown_reference(schema_path: str | Path) -> str:
    """The configuration reference (docs/configuration.md), generated from the schema."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    lines = [
        "# Configuration reference",
        "",
        "Generated from `workflow/schemas/config.schema.yaml` by `python -m nnlab.config`; do not edit by hand",
        "(`tests/test_config.py` checks that it is up to date).",
        "",
        "| key | type | description |",
        "| --- | --- | --- |",
    ]
    for key, typ, desc in schema_rows(schema):
        desc = desc.replace("|", "\\|")
        lines.append(f"| `{key}` | {typ} | {desc} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "configuration.md").write_text(markdown_reference(root / "workflow/schemas/config.schema.yaml"))
    print("wrote docs/configuration.md")
