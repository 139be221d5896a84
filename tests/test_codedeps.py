"""Each job's code dependency is derived from its script's imports (nnlab_workflow.codedeps).

The closures are checked against an independent method (the standard library's modulefinder, which
reads bytecode, not our AST walk); the fingerprints against edits that change meaning and edits that
do not. The workflow-level consequences (which jobs a dry run plans) are in test_incremental.py.
"""

import modulefinder
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT
from nnlab_workflow import codedeps
from nnlab_workflow.codedeps import CodeError, CodeIndex

SCRIPTS = sorted((ROOT / "scripts").glob("*.py"))


def modulefinder_closure(script: Path, src: Path) -> set[Path]:
    """The nnlab files `script` imports, found by the standard library (path: only src/, so the
    third-party imports are not followed)."""
    finder = modulefinder.ModuleFinder(path=[str(src)])
    finder.run_script(str(script))
    return {Path(m.__file__).resolve() for name, m in finder.modules.items() if name.split(".")[0] == "nnlab"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_closure_of_every_script_equals_its_real_import_closure(script):
    closure = CodeIndex(ROOT / "src").closure(script)
    assert set(closure) == modulefinder_closure(script, ROOT / "src")
    assert ROOT / "src/nnlab/__init__.py" in closure  # every import of nnlab runs the package's __init__


def test_known_closures():
    """Spot checks that would catch a walk that finds too little or too much."""
    index = CodeIndex(ROOT / "src")
    names = lambda script: {p.relative_to(ROOT / "src/nnlab").as_posix() for p in index.closure(ROOT / script)}
    train = names("scripts/train_classifier.py")
    # the example: the data layer and nnlab.logs were missing from the hand-written list
    assert {"data/cache.py", "data/dataset.py", "data/sources.py", "data/split.py", "logs.py"} <= train
    assert {"engine.py", "loop.py", "checkpoint.py", "ftrl.py"} <= train  # engine -> loop -> checkpoint
    assert not {"vae/model.py", "plots.py", "report/__init__.py"} & train
    assert "vae/model.py" in names("scripts/train_vae.py")
    # a task's figures module imports nnlab.plots; its summary (no figures module) does not
    assert {"gradients/figures.py", "plots.py", "words.py"} <= names("scripts/plot_task23.py")
    assert "gradients/vanishing.py" in names("scripts/summarize_task23.py")
    assert not {"gradients/figures.py", "plots.py"} & names("scripts/summarize_task23.py")


@pytest.fixture
def pkg(tmp_path):
    """A small package with every kind of import the walk must follow."""
    files = {
        "nnlab/__init__.py": '"""The package."""\n',
        "nnlab/a.py": "from nnlab import b\n\nX = 1\n",
        "nnlab/b.py": "def f():\n    import nnlab.sub.c\n    return 2\n",
        "nnlab/sub/__init__.py": "from . import d\n",
        "nnlab/sub/c.py": "from .d import Y\nfrom ..e import Z\n",
        "nnlab/sub/d.py": "Y = 3\n",
        "nnlab/e.py": "Z = 4\n",
        "nnlab/unused.py": "import nnlab.a\n",
        "script.py": "import os\nfrom nnlab.a import X\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_closure_follows_submodule_function_level_relative_and_parent_imports(pkg):
    closure = CodeIndex(pkg).closure(pkg / "script.py")
    rel = {p.relative_to(pkg).as_posix() for p in closure}
    assert rel == {
        "nnlab/__init__.py",
        "nnlab/a.py",
        "nnlab/b.py",  # `from nnlab import b`: a submodule
        "nnlab/sub/__init__.py",  # parent package of nnlab.sub.c, imported inside a function
        "nnlab/sub/c.py",
        "nnlab/sub/d.py",  # `from . import d` in sub/__init__.py and `from .d import Y` in c.py
        "nnlab/e.py",  # `from ..e import Z`
    }
    assert rel == {p.relative_to(pkg).as_posix() for p in modulefinder_closure(pkg / "script.py", pkg)}


def edit(path: Path, old: str, new: str):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def src(tmp_path):
    """A copy of the real package, to edit."""
    shutil.copytree(ROOT / "src/nnlab", tmp_path / "src/nnlab", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "src"


def fingerprints(src):
    index = CodeIndex(src)
    return {s.name: index.fingerprint(s) for s in SCRIPTS}


def test_comment_docstring_and_layout_edits_keep_every_fingerprint(src):
    before = fingerprints(src)
    for path in sorted((src / "nnlab").rglob("*.py")):
        text = path.read_text()
        if text.startswith('"""'):
            text = '"""Reworded. ' + text.removeprefix('"""')  # the module's docstring
        path.write_text(f"# a comment\n{text}\n\n# another comment\n")
    edit(src / "nnlab/io.py", '"""Yield a temporary path', '"""Reworded: yield a temporary path')  # a function's
    edit(
        src / "nnlab/io.py",
        "os.replace(tmp, path)",
        "os.replace(  # layout\n            tmp,\n            path,\n        )",
    )
    assert fingerprints(src) == before


def test_a_body_edit_changes_exactly_the_scripts_that_import_the_module(src):
    before = fingerprints(src)
    edit(src / "nnlab/vae/model.py", "import math\n", "import math\n\nEXTRA = 1\n")
    after = fingerprints(src)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"train_vae.py", "vae_figures.py", "iwae_bound.py", "measure_vae_quality.py"}


def test_an_edit_deep_in_the_closure_reaches_the_scripts(src):
    before = fingerprints(src)
    # nnlab.checkpoint is imported by nnlab.loop, which the engine imports: every training script runs it
    edit(src / "nnlab/checkpoint.py", "import hashlib\n", "import hashlib\n\nEXTRA = 1\n")
    after = fingerprints(src)
    assert before["train_classifier.py"] != after["train_classifier.py"]
    assert before["summarize_runs.py"] == after["summarize_runs.py"]


def test_a_syntax_error_names_the_file_and_line(pkg):
    (pkg / "nnlab/e.py").write_text("Z = (\n")
    with pytest.raises(CodeError, match=r"nnlab/e\.py, line 1: .*fix it"):
        CodeIndex(pkg).fingerprint(pkg / "script.py")


def test_an_import_of_a_missing_module_names_the_importer(pkg):
    (pkg / "nnlab/e.py").write_text("import nnlab.nowhere\n")
    with pytest.raises(CodeError, match=r"nnlab/e\.py, line 1: imports nnlab\.nowhere, which has no file"):
        CodeIndex(pkg).closure(pkg / "script.py")


def test_a_folder_without_the_package_is_an_error(tmp_path):
    with pytest.raises(CodeError, match="is not a package"):
        CodeIndex(tmp_path)


def test_the_cache_file_spares_parsing_unchanged_files(pkg, monkeypatch):
    cache = pkg / ".cache/code.json"
    first = CodeIndex(pkg, cache_file=cache)
    expected = first.fingerprint(pkg / "script.py")
    first.save()
    parsed = []
    real_scan = codedeps._scan
    monkeypatch.setattr(codedeps, "_scan", lambda path, source: parsed.append(path.name) or real_scan(path, source))
    assert CodeIndex(pkg, cache_file=cache).fingerprint(pkg / "script.py") == expected
    assert parsed == []
    edit(pkg / "nnlab/e.py", "Z = 4", "Z = 5")
    changed = CodeIndex(pkg, cache_file=cache)
    assert changed.fingerprint(pkg / "script.py") != expected
    assert parsed == ["e.py"]  # only the edited file is parsed again
    cache.write_text("{not json")  # a damaged cache is ignored, not trusted
    assert CodeIndex(pkg, cache_file=cache).fingerprint(pkg / "script.py") == changed.fingerprint(pkg / "script.py")


def test_an_index_parses_each_file_once(monkeypatch):
    """The dry run asks for one fingerprint per rule, over closures that overlap: each file is read once."""
    parsed = []
    real_scan = codedeps._scan
    monkeypatch.setattr(codedeps, "_scan", lambda path, source: parsed.append(path) or real_scan(path, source))
    index = CodeIndex(ROOT / "src")
    for script in SCRIPTS:
        index.fingerprint(script)
    assert len(parsed) == len(set(parsed)) == len(SCRIPTS) + len(set().union(*(index.closure(s) for s in SCRIPTS)))


def test_module_docstrings_only_are_stripped():
    """A string that is not a docstring is code: changing it changes the fingerprint."""
    a = codedeps._scan(Path("x.py"), textwrap.dedent('"""Doc."""\nX = "text"\n').encode())
    b = codedeps._scan(Path("x.py"), textwrap.dedent('"""Other doc."""\nX = "text"\n').encode())
    c = codedeps._scan(Path("x.py"), textwrap.dedent('"""Doc."""\nX = "other"\n').encode())
    assert a["digest"] == b["digest"] != c["digest"]


def test_a_cache_that_cannot_be_written_is_skipped(pkg):
    (pkg / "blocker").write_text("a file where the cache's folder would be")
    index = CodeIndex(pkg, cache_file=pkg / "blocker/code.json")
    expected = CodeIndex(pkg).fingerprint(pkg / "script.py")
    assert index.fingerprint(pkg / "script.py") == expected
    index.save()  # no error: the next run parses again
    assert (pkg / "blocker").is_file()
