"""A script's code dependencies within a package, and a fingerprint of what that code means.

`CodeIndex(src).closure(script)` is the list of package files that running `script` imports: its
`import`/`from ... import` statements anywhere in a module (inside functions too), `from pkg import
name` where `name` is a submodule, relative imports, and every parent package's `__init__.py`,
followed transitively. `fingerprint(script)` hashes those files' syntax trees without docstrings, so
a comment, docstring or formatting edit keeps it and any other change of the code changes it.

Each file is parsed at most once per index. With `cache_file`, what a parse yields (the file's
imports and tree digest) is kept on disk under the hash of the file's bytes, so a later run parses
only the files that changed: a dry run stays as fast as without this module.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
from pathlib import Path

# Bumped when what is cached per file changes, so an old cache is ignored rather than misread.
CACHE_VERSION = 1
# Statement fields that hold statements: imports and docstrings are statements, never expressions,
# so walking these (not every node) finds them all at a fraction of ast.walk's cost.
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


class CodeError(ValueError):
    """A package module that cannot be parsed, or an import of a package module that does not exist."""


def _statements(tree: ast.Module):
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for field in _BLOCKS:
            stack.extend(getattr(node, field, ()))


def _scan(path: Path, source: bytes) -> dict:
    """One parse of a file: its import statements (as written) and the digest of its tree without docstrings."""
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as err:
        raise CodeError(f"{path}, line {err.lineno}: {err.msg}: fix it, then rerun") from None
    imports = []
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            imports += [[0, alias.name, [], node.lineno] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imports.append([node.level, node.module or "", [a.name for a in node.names], node.lineno])
        elif isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(getattr(first.value, "value", None), str):
                node.body = node.body[1:]  # a docstring changes no behaviour
    # ast.dump leaves out line and column numbers, so comments and layout are not in it.
    return {"imports": imports, "digest": hashlib.sha256(ast.dump(tree).encode()).hexdigest()}


class CodeIndex:
    """Import closures and fingerprints of the modules of `package` under the source folder `src`."""

    def __init__(self, src: str | Path, package: str = "nnlab", cache_file: str | Path | None = None):
        self.src = Path(src).resolve()
        self.package = package
        if not (self.src / package / "__init__.py").is_file():
            raise CodeError(f"{self.src / package} is not a package (no __init__.py)")
        self.cache_file = Path(cache_file) if cache_file else None
        self._stored = self._load_cache()
        self._used: dict[str, dict] = {}  # the cache entries of this index's files, by content hash
        self._scans: dict[Path, dict] = {}
        self._imports: dict[Path, frozenset[str]] = {}
        self._closures: dict[str, frozenset[str]] = {}

    # --- one file --------------------------------------------------------------------------------
    def _load_cache(self) -> dict:
        try:
            data = json.loads(self.cache_file.read_text())
        except (AttributeError, OSError, ValueError):  # no cache file, none yet, or a damaged one
            return {}
        return data.get("files", {}) if isinstance(data, dict) and data.get("version") == CACHE_VERSION else {}

    def _scan(self, path: Path) -> dict:
        if path not in self._scans:
            source = path.read_bytes()
            key = hashlib.sha256(source).hexdigest()
            entry = self._stored.get(key)
            if not (isinstance(entry, dict) and {"imports", "digest"} <= entry.keys()):
                entry = _scan(path, source)
            self._used[key] = self._scans[path] = entry
        return self._scans[path]

    def save(self) -> None:
        """Write the cache file (atomically) if this index parsed anything it did not hold. A cache that
        cannot be written (a read-only folder) is skipped: it only costs the next run its parsing."""
        if self.cache_file is None or self._used.keys() <= self._stored.keys():
            return
        # a name per process (two runs may save at once), opened normally: the umask's mode, not 0600
        tmp = self.cache_file.with_name(f".{self.cache_file.name}.{os.getpid()}.tmp")
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps({"version": CACHE_VERSION, "files": self._used}))
            os.replace(tmp, self.cache_file)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    # --- modules ---------------------------------------------------------------------------------
    def file_of(self, module: str) -> Path | None:
        """The file of a module of the package (`nnlab.data` -> src/nnlab/data/__init__.py), or None."""
        parts = module.split(".")
        if parts[0] != self.package or not all(parts):
            return None
        base = self.src.joinpath(*parts)
        for path in (base.with_suffix(".py"), base / "__init__.py"):
            if path.is_file():
                return path
        return None

    def _module_name(self, path: Path) -> str | None:
        """`src/nnlab/data/cache.py` -> `nnlab.data.cache`; None for a file outside the package (a script)."""
        try:
            parts = list(path.relative_to(self.src).with_suffix("").parts)
        except ValueError:
            return None
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts) if parts and parts[0] == self.package else None

    def imports(self, path: str | Path) -> frozenset[str]:
        """Package modules the file `path` imports directly, each with its parent packages."""
        path = Path(path).resolve()
        if path in self._imports:
            return self._imports[path]
        name = self._module_name(path)
        # A relative import starts from the module's package: the module itself for an __init__.py.
        here = [] if name is None else name.split(".")[: None if path.name == "__init__.py" else -1]
        found = set()
        for level, module, names, lineno in self._scan(path)["imports"]:
            if level:
                if level > len(here):
                    raise CodeError(f"{path}, line {lineno}: relative import beyond the top of {self.package}")
                module = ".".join(here[: len(here) - level + 1] + ([module] if module else []))
            if module.split(".")[0] != self.package:
                continue
            # `from pkg import name`: `name` is a submodule where a file says so, else an attribute.
            targets = [module] + [f"{module}.{n}" for n in names if self.file_of(f"{module}.{n}")]
            for target in targets:
                if self.file_of(target) is None:
                    raise CodeError(f"{path}, line {lineno}: imports {target}, which has no file under {self.src}")
                parts = target.split(".")
                found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        self._imports[path] = frozenset(found)
        return self._imports[path]

    def _module_closure(self, module: str) -> frozenset[str]:
        """`module` and every package module it imports, transitively."""
        if module not in self._closures:
            seen, todo = {module}, [module]
            while todo:
                new = self.imports(self.file_of(todo.pop())) - seen
                seen |= new
                todo += new
            self._closures[module] = frozenset(seen)
        return self._closures[module]

    # --- scripts ---------------------------------------------------------------------------------
    def closure(self, script: str | Path) -> list[Path]:
        """The package files that running `script` imports, sorted."""
        modules = set()
        for module in self.imports(script):
            modules |= self._module_closure(module)
        return sorted(self.file_of(m) for m in modules)

    def fingerprint(self, script: str | Path) -> str:
        """A hash of the meaning of the package code `script` imports: each file's name and the digest
        of its tree without docstrings."""
        h = hashlib.sha256()
        for path in self.closure(script):
            h.update(f"{path.relative_to(self.src)}\0{self._scan(path)['digest']}\n".encode())
        return h.hexdigest()[:16]
