"""requirements.lock pins every dependency of the project with its hashes, and the image installs from it.

When a dependency is added to pyproject.toml, regenerate the lock with the command in deploy/README.md,
"The image"; these tests fail until then.
"""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.deploy.processes import ROOT

LOCK = ROOT / "requirements.lock"


def _pins() -> dict[str, tuple[Version, list[str]]]:
    """Each locked package: its version and hashes (pip-compile's format: a requirement line, then --hash lines)."""
    pins: dict[str, tuple[Version, list[str]]] = {}
    text = re.sub(r"\\\n\s*", " ", LOCK.read_text())  # one logical line per package
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split(" --hash=")
        name, _, version = requirement.strip().partition("==")
        assert version, f"{requirement!r} is not pinned with =="
        pins[canonicalize_name(name)] = (Version(version.strip()), options)
    return pins


def _dependencies() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"]]


def test_every_dependency_of_the_project_is_pinned_with_hashes():
    pins = _pins()
    for requirement in _dependencies():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: regenerate it (deploy/README.md)"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), f"{name}=={version} breaks {requirement}"
        assert hashes, f"{name} has no hash"


def test_every_locked_package_has_sha256_hashes():
    for name, (_version, hashes) in _pins().items():
        assert hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", value.strip()) for value in hashes), name


def test_the_image_installs_the_lock_with_hashes_then_the_project_without_dependencies():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    lock_install = dockerfile.index("pip install --no-deps --require-hashes -r requirements.lock")
    project_install = dockerfile.index("pip install --no-deps /wheels/checkin-*.whl")
    assert dockerfile.index("COPY requirements.lock") < lock_install < project_install
    assert "pip wheel --no-deps" in dockerfile  # building the wheel fetches no dependency either
    ignored = Path(ROOT / ".dockerignore").read_text().splitlines()
    assert "!requirements.lock" in ignored  # it reaches the build context
