"""A dataset source's fingerprint follows its bytes, not its times or its folder."""

import os
import shutil

from nnlab_workflow.datadeps import content_fingerprint


def make(folder, files):
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return sorted({folder / name.split("/")[0] for name in files})


def test_same_bytes_elsewhere_or_later_keep_the_fingerprint(tmp_path):
    a = make(tmp_path / "a", {"x.gz": b"one", "y.gz": b"two"})
    b = make(tmp_path / "b", {"y.gz": b"two", "x.gz": b"one"})
    for p in b:
        os.utime(p, (4e9, 4e9))
    assert content_fingerprint(a) == content_fingerprint(b) == content_fingerprint(reversed(b))


def test_a_changed_added_or_renamed_file_changes_it(tmp_path):
    base = content_fingerprint(make(tmp_path / "a", {"x.gz": b"one", "y.gz": b"two"}))
    assert content_fingerprint(make(tmp_path / "b", {"x.gz": b"one", "y.gz": b"twO"})) != base
    assert content_fingerprint(make(tmp_path / "c", {"x.gz": b"one", "y.gz": b"two", "z": b""})) != base
    assert content_fingerprint(make(tmp_path / "d", {"x.gz": b"one", "w.gz": b"two"})) != base


def test_an_image_folder_is_read_file_by_file(tmp_path):
    files = {"cifar/train/cat/1.jpg": b"\xff\xd8a", "cifar/test/dog/2.jpg": b"\xff\xd8b"}
    paths = make(tmp_path / "a", files)
    assert paths == [tmp_path / "a/cifar"]
    base = content_fingerprint(paths)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    assert content_fingerprint([tmp_path / "b/cifar"]) == base
    (tmp_path / "b/cifar/test/dog/2.jpg").write_bytes(b"\xff\xd8c")
    assert content_fingerprint([tmp_path / "b/cifar"]) != base
