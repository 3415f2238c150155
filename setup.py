"""Map the design card's top-level folders onto one import namespace.

Installed, the code lives under ``maml_landscape`` only: ``theory/`` becomes
``maml_landscape.theory``, ``numerics/`` ``maml_landscape.numerics`` and ``deep/``
``maml_landscape.deep``; no generic top-level name reaches site-packages.
"""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
SOURCE_FOLDERS = {
    "maml_landscape": "maml_landscape",
    "maml_landscape.theory": "theory",
    "maml_landscape.numerics": "numerics",
    "maml_landscape.deep": "deep",
}


def _packages() -> list[str]:
    found = []
    for package, folder in SOURCE_FOLDERS.items():
        for init in sorted((ROOT / folder).rglob("__init__.py")):
            relative = init.parent.relative_to(ROOT / folder).parts
            found.append(".".join((package, *relative)))
    return found


setup(package_dir=SOURCE_FOLDERS, packages=_packages())
