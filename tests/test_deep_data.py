"""Loaders of Omniglot and CIFAR-100 on tiny archives of the official layouts."""

from __future__ import annotations

import numpy as np
import pytest

from maml_landscape.deep import omniglot as omniglot_module
from maml_landscape.deep.cifar import fs_cifar100_split, load_cifar100
from maml_landscape.deep.errors import DatasetError
from maml_landscape.deep.omniglot import load_omniglot, preprocess_png
from tests.helpers_deep import make_cifar, make_omniglot, tiny_alphabets

pytestmark = pytest.mark.deep


def test_omniglot_zip_keeps_alphabet_character_drawing_structure(tmp_path):
    data = load_omniglot(make_omniglot(tmp_path / "data"), tmp_path / "cache")
    background, evaluation = tiny_alphabets()
    assert data.pool.images.shape == (len(background + evaluation) * 5, 20, 1, 28, 28)
    assert data.pool.images.dtype == np.uint8
    assert set(data.pool.group_names) == set(background + evaluation)
    assert set(data.background_alphabets) == set(background)
    sanskrit = data.pool.classes_in_groups(["Sanskrit"])
    assert [data.pool.class_names[c] for c in sanskrit] == [
        f"Sanskrit/character{i:02d}" for i in range(1, 6)
    ]


def test_omniglot_is_cached_once_and_folders_match_zips(tmp_path, monkeypatch):
    zipped = load_omniglot(make_omniglot(tmp_path / "z"), tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("omniglot-28-*.npy"))) == 1

    def fail(_sources):
        raise AssertionError("the cache was not used")

    monkeypatch.setattr(omniglot_module, "_build", fail)
    again = load_omniglot(tmp_path / "z", tmp_path / "cache")
    np.testing.assert_array_equal(again.pool.images, zipped.pool.images)
    monkeypatch.undo()
    folders = load_omniglot(make_omniglot(tmp_path / "f", zipped=False), tmp_path / "cache2")
    np.testing.assert_array_equal(folders.pool.images, zipped.pool.images)


def test_preprocessing_inverts_strokes_and_resizes():
    from tests.helpers_deep import png

    image = preprocess_png(png(np.random.default_rng(1), side=105))
    assert image.shape == (28, 28) and image.dtype == np.uint8
    assert image.mean() < 128  # 80% white background becomes dark


@pytest.mark.parametrize("setup", ["missing_dir", "missing_zip", "corrupt_zip"])
def test_missing_or_bad_omniglot_says_what_to_download(tmp_path, setup):
    root = tmp_path / "data"
    if setup != "missing_dir":
        make_omniglot(root)
        if setup == "missing_zip":
            (root / "images_evaluation.zip").unlink()
        else:
            (root / "images_evaluation.zip").write_bytes(b"not a zip")
    with pytest.raises(DatasetError, match="images_background.zip and images_evaluation.zip"):
        load_omniglot(root, tmp_path / "cache")


def test_cifar_tiny_archive_loads_and_splits(tmp_path):
    root = make_cifar(tmp_path / "cifar", train=5, test=1)
    pool = load_cifar100(root, tmp_path / "cache", verify_checksum=False)
    assert pool.images.shape == (100, 6, 3, 32, 32)
    split = fs_cifar100_split(pool, seed=3, n_train=80, train_fraction=4 / 6)
    assert (split.train.n_classes, split.test.n_classes) == (80, 20)
    assert (split.train.per_class, split.train_heldout.per_class) == (4, 2)
    assert not set(split.train.class_names) & set(split.test.class_names)
    assert split.train.class_names == split.train_heldout.class_names
    for c in range(80):  # the 450/150 analogue partitions each training class's images
        rows = np.concatenate([split.train.images[c], split.train_heldout.images[c]])
        original = pool.images[pool.class_names.index(split.train.class_names[c])]
        assert sorted(map(bytes, rows)) == sorted(map(bytes, original))


def test_cifar_checksum_and_missing_archive_are_clear_errors(tmp_path):
    root = make_cifar(tmp_path / "cifar")
    with pytest.raises(DatasetError, match="expected 169,001,437"):
        load_cifar100(root, tmp_path / "cache")
    with pytest.raises(DatasetError, match="cifar-100-python.tar.gz"):
        load_cifar100(tmp_path, tmp_path / "cache")


def test_fs_cifar100_split_rejects_impossible_sizes(tmp_path):
    pool = load_cifar100(make_cifar(tmp_path / "c"), tmp_path / "cache", verify_checksum=False)
    with pytest.raises(ValueError, match="train_images"):
        fs_cifar100_split(pool, 0, train_fraction=1.0)
