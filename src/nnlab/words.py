"""A language's words, read from its files in report/<lang>/ (terms.yaml for the report, figures.yaml for
the figures): code names a thing by a key, the language file holds its words, and a key the file lacks is
an error naming the key and the file, never a silently English or empty text.

Light (PyYAML only): the figure scripts and the report renderer both read words through it.
"""

from __future__ import annotations

from pathlib import Path

import yaml


class MissingWord(Exception):
    """A key that a language's word file lacks. Deliberately not a LookupError: Jinja2 turns a
    LookupError into an undefined value, which would lose the file's name."""


class Words(dict):
    """A mapping of a word file (nested mappings are Words too); `words[key]` for a key it lacks raises
    MissingWord naming the key's path and the file. `.get(key, default)` stays for keys that may be absent."""

    def __init__(self, data: dict | None, source: str | Path, prefix: str = ""):
        self._source, self._prefix = str(source), prefix
        super().__init__(
            (k, Words(v, source, f"{prefix}{k}.") if isinstance(v, dict) else v) for k, v in (data or {}).items()
        )

    def __missing__(self, key):
        raise MissingWord(
            f"{self._source} has no word for {self._prefix}{key}: add it there (every language's "
            f"{Path(self._source).name} defines each key the report or its figures look up)"
        )

    def at(self, path: str):
        """The word at a dotted path, e.g. "names.mnist"."""
        node = self
        for part in path.split("."):
            node = node[part]
        return node


def read_words(path: str | Path) -> Words:
    """A language's word file (terms.yaml, figures.yaml); empty, so every lookup fails naming the file,
    when the language has none."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return Words(data or {}, path)
