"""The README and the operator's guide name only files and functions that exist.

When a module moves (the desk's views gave way to tenant_apps/desk/read_model.py), a sentence
pointing at the old place is found here instead of by a reader.
"""

import re
from pathlib import Path

import pytest

from tests.deploy.processes import ROOT

GUIDES = [ROOT / "README.md", ROOT / "deploy" / "README.md"]
# Files the guide tells the operator to write, never committed.
WRITTEN_BY_THE_OPERATOR = {"deploy/.env", "deploy/k8s/checkin.env"}
_PATH = re.compile(r"`((?:platform|shared_apps|tenant_apps|tests|deploy|\.ci)/[\w./-]+)`")
_DOTTED = re.compile(r"`((?:checkin|shared_apps|tenant_apps)(?:\.\w+)+)(?:\([^`]*\))?`")


def _module_and_rest(dotted: str) -> tuple[Path | None, list[str]]:
    parts = dotted.split(".")
    base = ROOT / "platform" if parts[0] == "checkin" else ROOT
    for end in range(len(parts), 0, -1):
        candidate = base.joinpath(*parts[:end])
        if candidate.with_suffix(".py").is_file():
            return candidate.with_suffix(".py"), parts[end:]
        if candidate.is_dir():
            return candidate, parts[end:]
    return None, parts


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_named_file_exists(guide):
    missing = []
    for named in sorted(set(_PATH.findall(guide.read_text()))):
        places = [ROOT / named, guide.parent / named]  # deploy/README.md also names files beside itself
        if named not in WRITTEN_BY_THE_OPERATOR and not any(place.exists() for place in places):
            missing.append(named)
    assert not missing, f"{guide.name} names files that do not exist: {missing}"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_named_module_and_function_exists(guide):
    missing = []
    for dotted in sorted(set(_DOTTED.findall(guide.read_text()))):
        module, rest = _module_and_rest(dotted)
        if module is None:
            missing.append(dotted)
        elif rest and module.is_file():
            defined = re.search(rf"^(?:def|class) {rest[0]}\b|^{rest[0]}\s*[:=]", module.read_text(), re.MULTILINE)
            if not defined:
                missing.append(dotted)
    assert not missing, f"{guide.name} names modules or functions that do not exist: {missing}"
