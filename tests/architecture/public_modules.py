"""An import-linter contract type: some packages may import others only through their public modules.

The reception apps write through a company app's services and read through its selectors, models and access
rules; its views, forms, tasks and the rest are its own. import-linter's own contracts forbid whole packages,
so this one names what is allowed instead (pyproject.toml, `[tool.importlinter]`).
"""

from __future__ import annotations

from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils
from importlinter.domain.imports import Module


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class PublicModulesContract(Contract):
    """`importers` (and their descendants) may import `packages` only through the submodules named in `public`."""

    type_name = "public_modules"

    importers = fields.ListField(subfield=fields.ModuleField())
    packages = fields.ListField(subfield=fields.ModuleField())
    public = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)

    def _option(self, name: str) -> Any:
        """An option as parsed by its field (importlinter's Contract sets them on the instance when it is made)."""
        return vars(self)[name]

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self._option("ignore_imports"),
            unmatched_alerting=contract_utils.AlertLevel.ERROR,
        )
        importer_packages: list[Module] = self._option("importers")
        packages: list[Module] = self._option("packages")
        public_names: list[str] = self._option("public")
        illegal: list[tuple[str, str, list[int]]] = []
        for importer_package in importer_packages:
            importers = {importer_package.name} | graph.find_descendants(importer_package.name)
            for package in packages:
                allowed = [f"{package.name}.{name}" for name in public_names]
                for importer in sorted(importers):
                    for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                        if not _within(imported, package.name) or imported == package.name:
                            continue  # another package, or the package's (empty) __init__
                        if any(_within(imported, public) for public in allowed):
                            continue
                        details = graph.get_import_details(importer=importer, imported=imported)
                        illegal.append((importer, imported, [detail["line_number"] for detail in details]))
        return ContractCheck(
            kept=not illegal,
            metadata={"illegal": illegal},
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        public_names: list[str] = self._option("public")
        public = ", ".join(public_names)
        for importer, imported, lines in check.metadata["illegal"]:
            where = ", ".join(f"l.{line}" for line in lines)
            output.print_error(f"{importer} -> {imported} ({where}): import only {public}", bold=False)
            output.new_line()
