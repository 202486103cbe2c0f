"""Import every module of the installed packages, in a venv that has the run-time dependencies
only: a module that imports a test-only package (pytest, hypothesis, ...) fails here.

Run by the clean venv's python from outside the checkout, so that the installed copies are the
ones imported (each module's file is checked to be under that venv).
"""

import importlib
import importlib.metadata
import importlib.util
import pkgutil
import re
import sys
import traceback
from pathlib import Path

PACKAGES = ("survey_app", "forms", "kiosk", "analytics")
DISTRIBUTION = "survey-app"
# Alembic runs env.py itself (the smoke's `survey-app demo` migrates through it).
NOT_IMPORTABLE_ALONE = frozenset({"env.py"})


def main() -> int:
    failures, count = [], 0
    for package in PACKAGES:
        for name in module_names(package):
            count += 1
            failures += attempt(name, lambda name=name: importlib.import_module(name))
    for path in migration_files():
        count += 1
        failures += attempt(str(path), lambda path=path: load_file(path))
    outside = [m.__name__ for m in installed_modules() if not is_installed(m)]
    if outside:
        failures.append(f"imported from outside {sys.prefix}: {', '.join(sorted(outside))}")
    report_test_only_packages()
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    print(f"imported {count} modules of {', '.join(PACKAGES)}: {len(failures)} failed")
    return 1 if failures else 0


def module_names(package: str) -> list[str]:
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        names.append(info.name)
    return names


def migration_files() -> list[Path]:
    versions = Path(importlib.import_module("survey_app").__file__).parent / "migrations"
    return sorted(path for path in versions.rglob("*.py") if path.name not in NOT_IMPORTABLE_ALONE)


def load_file(path: Path) -> None:
    spec = importlib.util.spec_from_file_location(f"_migration_{path.stem}", path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))


def attempt(name: str, load) -> list[str]:
    try:
        load()
    except Exception:  # every kind of failure is reported, then the next module is tried
        return [f"{name}:\n{traceback.format_exc()}"]
    return []


def installed_modules():
    return [m for n, m in list(sys.modules.items()) if n.split(".")[0] in PACKAGES]


def is_installed(module) -> bool:
    file = getattr(module, "__file__", None)
    return file is None or Path(file).resolve().is_relative_to(Path(sys.prefix).resolve())


def report_test_only_packages() -> None:
    """Say which test-only packages are absent, so that the check above means something."""
    extras = [r for r in importlib.metadata.requires(DISTRIBUTION) or [] if "extra ==" in r]
    names = {re.split(r"[ ;<>=!~\[]", requirement, maxsplit=1)[0] for requirement in extras}
    present = sorted(name for name in names if is_distribution_installed(name))
    print(f"test-only packages absent: {len(names) - len(present)} of {len(names)}")
    if present:
        print(f"  installed all the same (a run-time dependency pulls them): {', '.join(present)}")


def is_distribution_installed(name: str) -> bool:
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
