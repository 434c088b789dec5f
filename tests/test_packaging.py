"""The package configuration in ``setup.cfg``: what an installed wheel carries besides code."""

import configparser
import fnmatch
import glob
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The folders the core and each bundled plugin read files from at run time.
DATA_FOLDERS = ("templates", "static", "translations", "migrations")

#: Files in those folders that only the build uses (``make install``, ``make translations``).
BUILD_ONLY = ("translations/.compiled", "translations/messages.pot")


def _option(section: str, key: str) -> list[str]:
    parser = configparser.RawConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    return parser.get(section, key, fallback="").split()


def _declared(package: Path) -> set[Path]:
    """The files of ``package`` that setuptools packs, read the way its ``build_py`` reads them."""
    found: set[Path] = set()
    for pattern in _option("options.package_data", "*"):
        found.update(
            Path(name)
            for name in glob.glob(str(package / pattern), recursive=True)
            if Path(name).is_file()
        )
    excluded = _option("options.exclude_package_data", "*")
    return {
        path
        for path in found
        if not any(fnmatch.fnmatch(str(path), str(package / rule)) for rule in excluded)
    }


def _packages() -> list[Path]:
    plugins = sorted(p.parent for p in (ROOT / "plugins").glob("*/__init__.py"))
    return [ROOT / "cms", *plugins]


@pytest.mark.parametrize("package", _packages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_data_file_of_the_core_and_of_each_plugin_is_declared(package):
    declared = _declared(package)
    missing = sorted(
        path.relative_to(ROOT).as_posix()
        for folder in DATA_FOLDERS
        for path in (package / folder).rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.relative_to(package).as_posix() not in BUILD_ONLY
        and path not in declared
    )
    assert not missing, f"files a wheel would leave out: {missing}"


def test_package_data_comes_from_the_declaration_alone():
    # include_package_data would add every file setuptools finds in the data folders
    # and warn once per folder that Python could import as a package (40 lines each).
    assert _option("options", "include_package_data") == ["False"]
