"""The Django project package (platform/checkin) sits on top: no module of the apps imports it.

Settings, URLconfs and the Celery app may import the apps; an app that imported them back would tie
itself to one deployment and close a cycle (tasks use `celery.shared_task`, settings name the rest).
Nor does an app name one of the project's modules in a string (a URLconf comes from settings).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _is_project_module(name: str) -> bool:
    if not all(part.isidentifier() for part in name.split(".")):
        return False  # not a dotted name: "checkin." starting an f-string (a signing salt) names no module
    path = ROOT / "platform" / name.replace(".", "/")
    return name.split(".")[0] == "checkin" and (path.with_suffix(".py").exists() or path.is_dir())


def _imports_of_checkin(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_project_module(node.value):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{path.relative_to(ROOT)}:{node.lineno} {name}" for name in names if name.split(".")[0] == "checkin"]
    return found


def test_no_app_module_imports_the_project_package():
    modules = [path for folder in ("shared_apps", "tenant_apps") for path in sorted((ROOT / folder).rglob("*.py"))]
    assert len(modules) > 100  # the walk found the apps
    assert [found for path in modules for found in _imports_of_checkin(path)] == []
