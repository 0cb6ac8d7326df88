"""The `public_modules` contract type (pyproject.toml): a reception app may import a company app's public modules."""

import pytest

# import-linter (and its grimp) is a dev dependency: `platform/dev.py test` installs it; a .venv made before it
# was added skips these tests rather than failing to collect.
ImportGraph = pytest.importorskip("grimp").ImportGraph
PublicModulesContract = pytest.importorskip("tests.architecture.public_modules").PublicModulesContract


def _contract():
    return PublicModulesContract(
        name="reception through public modules",
        session_options={"root_packages": ["apps"]},
        contract_options={
            "importers": ["apps.desk"],
            "packages": ["apps.visits"],
            "public": ["services", "selectors", "models", "access"],
        },
    )


def _graph(*imports: tuple[str, str]):
    graph = ImportGraph()
    modules = ["apps", "apps.desk", "apps.desk.views", "apps.visits", "apps.visits.services", "apps.visits.models",
               "apps.visits.forms", "apps.visits.exports", "apps.visits.exports.final"]  # fmt: skip
    for module in modules:
        graph.add_module(module)
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=3, line_contents=f"import {imported}")
    return graph


def test_imports_of_the_public_modules_keep_the_contract():
    graph = _graph(("apps.desk.views", "apps.visits.services"), ("apps.desk.views", "apps.visits.models"))
    assert _contract().check(graph, verbose=False).kept


def test_an_import_of_any_other_module_breaks_it_and_is_named():
    graph = _graph(("apps.desk.views", "apps.visits.services"), ("apps.desk.views", "apps.visits.forms"),
                   ("apps.desk", "apps.visits.exports.final"))  # fmt: skip
    check = _contract().check(graph, verbose=False)
    assert not check.kept
    assert check.metadata["illegal"] == [
        ("apps.desk", "apps.visits.exports.final", [3]),
        ("apps.desk.views", "apps.visits.forms", [3]),
    ]


def test_a_company_app_importing_its_own_modules_is_none_of_its_business():
    graph = _graph(("apps.visits.services", "apps.visits.forms"))
    assert _contract().check(graph, verbose=False).kept
