"""Omniglot (Lake et al. 2015) from the official zips or folders, resized to 28×28 and cached.

Layout read: ``images_background{.zip,/}`` (30 alphabets) and ``images_evaluation{.zip,/}``
(20 alphabets), each ``<Alphabet>/<characterNN>/<id>_<NN>.png`` with 20 drawings per
character. Preprocessing follows Finn et al. (2017): Pillow's LANCZOS resize to 28×28,
inverted so strokes are bright (their loader feeds ``1 - image``). The result is
cached once as a uint8 ``.npy`` keyed by the SHA-256 of the sources.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from maml_landscape.deep.cache import cached_array, default_cache_dir
from maml_landscape.deep.errors import DatasetError
from maml_landscape.deep.pools import ClassPool
from maml_landscape.validate import printable

PARTS = ("images_background", "images_evaluation")
IMAGE_SIZE = 28
DOWNLOAD_HINT = (
    "download images_background.zip and images_evaluation.zip from "
    "https://github.com/brendenlake/omniglot/tree/master/python and put them (or their "
    "extracted folders) in the directory passed as --data-dir"
)


def _natural_key(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def _source(data_dir: Path, part: str) -> Path:
    folder, archive = data_dir / part, data_dir / f"{part}.zip"
    if folder.is_dir():
        return folder
    if archive.is_file():
        return archive
    raise DatasetError(
        f"Omniglot not found: no {part}.zip or {part}/ in {data_dir}; {DOWNLOAD_HINT}"
    )


def _png_entries(source: Path, part: str) -> Iterator[tuple[str, str, str, bytes]]:
    """Yield (alphabet, character, file name, PNG bytes) of one part, zip or folder."""
    if source.is_dir():
        for path in source.glob("*/*/*.png"):
            yield path.parent.parent.name, path.parent.name, path.name, path.read_bytes()
        return
    try:
        with zipfile.ZipFile(source) as archive:
            for name in archive.namelist():
                parts = name.split("/")
                if name.endswith(".png") and len(parts) == 4 and parts[0] == part:
                    yield parts[1], parts[2], parts[3], archive.read(name)
    except (zipfile.BadZipFile, OSError) as error:
        raise DatasetError(f"cannot read {source}: {error}; {DOWNLOAD_HINT}") from error


def _fingerprint(sources: list[Path]) -> str:
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.name.encode())
        if source.is_dir():
            for path in sorted(source.glob("*/*/*.png")):
                digest.update(f"{path.relative_to(source)}:{path.stat().st_size}".encode())
        else:
            digest.update(source.read_bytes())
    return digest.hexdigest()


def preprocess_png(data: bytes, where: str = "an Omniglot image") -> np.ndarray:
    """One drawing as uint8 28×28, strokes bright (Finn et al. 2017 resize and inversion).

    Raises DatasetError naming ``where`` when ``data`` is not a readable image.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            small = image.convert("L").resize((IMAGE_SIZE, IMAGE_SIZE), resample=Image.LANCZOS)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise DatasetError(
            f"{where} is not a readable PNG ({type(error).__name__}); replace the file with the "
            f"official one; {DOWNLOAD_HINT}"
        ) from None
    return 255 - np.asarray(small, dtype=np.uint8)


def _build(sources: dict[str, Path]) -> tuple[np.ndarray, dict]:
    drawings: dict[tuple[str, str, str], list[tuple[str, bytes]]] = {}
    for part, source in sources.items():
        found = 0
        for alphabet, character, file_name, data in _png_entries(source, part):
            where = f"{source}:{part}/{alphabet}/{character}/{file_name}"
            drawings.setdefault((part, alphabet, character), []).append((where, data))
            found += 1
        if not found:
            raise DatasetError(
                f"no Omniglot PNGs in {printable(source)}: expected {part}/<Alphabet>/<character>/"
                f"<id>.png inside (the official layout); {DOWNLOAD_HINT}"
            )
    keys = sorted(drawings, key=lambda k: (PARTS.index(k[0]), k[1], _natural_key(k[2])))
    counts = {len(drawings[k]) for k in keys}
    if len(counts) != 1:
        raise DatasetError(
            f"Omniglot characters have unequal numbers of drawings {sorted(counts)}; the "
            f"official zips have 20 per character; {DOWNLOAD_HINT}"
        )
    images = np.stack(
        [
            np.stack([preprocess_png(d, w) for w, d in sorted(drawings[k], key=lambda e: e[0])])
            for k in keys
        ]
    )[:, :, None]
    index = {
        "characters": [f"{a}/{c}" for _, a, c in keys],
        "alphabets": [a for _, a, _ in keys],
        "parts": [p for p, _, _ in keys],
        "image_size": IMAGE_SIZE,
        "preprocessing": "PIL convert('L'), resize 28x28 LANCZOS, 255 - value",
    }
    return images, index


@dataclass(frozen=True)
class Omniglot:
    """All 1623 characters (groups = the 50 alphabets) and which alphabets are "background"."""

    pool: ClassPool
    background_alphabets: tuple[str, ...]


def load_omniglot(data_dir: Path | str, cache_dir: Path | str | None = None) -> Omniglot:
    """All Omniglot characters as a :class:`ClassPool` with alphabets as groups.

    Args:
        data_dir: folder holding ``images_background.zip`` and ``images_evaluation.zip``
            (or the extracted folders).
        cache_dir: where the preprocessed ``.npy`` goes (default :func:`default_cache_dir`).

    Raises:
        DatasetError: the data are missing or unreadable (message says what to download).
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        what = "is not a folder" if data_dir.exists() else "does not exist"
        raise DatasetError(f"Omniglot data directory {printable(data_dir)} {what}; {DOWNLOAD_HINT}")
    sources = {part: _source(data_dir, part) for part in PARTS}
    key = _fingerprint(list(sources.values()))[:16]
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    images, index = cached_array(cache, f"omniglot-{IMAGE_SIZE}-{key}", lambda: _build(sources))
    alphabets = tuple(dict.fromkeys(index["alphabets"]))
    group_of = {a: i for i, a in enumerate(alphabets)}
    pool = ClassPool(
        images=images,
        groups=np.array([group_of[a] for a in index["alphabets"]], dtype=np.int64),
        class_names=tuple(index["characters"]),
        group_names=alphabets,
    )
    background = tuple(
        dict.fromkeys(a for a, p in zip(index["alphabets"], index["parts"]) if p == PARTS[0])
    )
    return Omniglot(pool=pool, background_alphabets=background)
