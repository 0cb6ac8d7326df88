"""The guide's Kubernetes install works from an empty cluster, in the order it is written.

No cluster here: the kustomizations and manifests are read as kustomize would read them, and the guide's
kubectl commands (deploy/README.md, "Kubernetes") are checked against them.
"""

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.processes import ROOT

K8S = ROOT / "deploy" / "k8s"
NAMESPACE = "checkin"
CLUSTER_WIDE = {"Namespace"}


def _yaml(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _kustomization(folder: Path) -> dict[str, Any]:
    return _yaml(folder / "kustomization.yaml")[0]


def _resources(folder: Path) -> list[dict[str, Any]]:
    """What `kubectl apply -k folder` creates: its resources' documents (components add no resources here)."""
    documents: list[dict[str, Any]] = []
    for entry in _kustomization(folder).get("resources", []):
        documents += _yaml(folder / entry)
    return documents


def _guide_commands() -> list[list[str]]:
    guide = (ROOT / "deploy" / "README.md").read_text()
    section = guide[guide.index("## Kubernetes") :]
    section = section[: section.index("\n## ", 1)]
    first_block = re.search(r"```\n(.*?)```", section, re.S)
    assert first_block, "the Kubernetes section has no command block"
    return [shlex.split(line, comments=True) for line in first_block.group(1).splitlines() if line.strip()]


def _kubectl(commands: list[list[str]]) -> list[list[str]]:
    return [command for command in commands if command and command[0] == "kubectl"]


def _position(commands: list[list[str]], predicate: Any) -> int:
    return next(index for index, command in enumerate(commands) if predicate(command))


def _applied_folder(command: list[str]) -> Path | None:
    if command[1] == "apply" and "-k" in command:
        return ROOT / command[command.index("-k") + 1]
    return None


def test_every_file_the_guide_names_exists():
    for command in _guide_commands():
        for word in command:
            value = word.split("=", 1)[1] if word.startswith("--from-env-file=") else word
            if value.startswith("deploy/"):
                path = ROOT / value
                assert path.exists() or path.with_name(path.name + ".example").exists(), f"{value} is missing"
        if command[0] == "kubectl" and (folder := _applied_folder(command)):
            assert (folder / "kustomization.yaml").exists(), f"{folder} is no kustomization"


def test_the_namespace_and_settings_come_before_the_secret_the_job_and_the_release():
    commands = _kubectl(_guide_commands())
    folders = [_applied_folder(command) for command in commands]
    setup = folders.index(K8S / "setup")
    secret = _position(commands, lambda c: c[1:4] == ["-n", NAMESPACE, "create"] and "secret" in c)
    migrate = folders.index(K8S / "migrate")
    wait = _position(commands, lambda c: "wait" in c)
    release = folders.index(K8S / "release")
    assert setup < secret < migrate < wait < release
    kinds = {doc["kind"]: doc["metadata"]["name"] for doc in _resources(K8S / "setup")}
    assert kinds == {"Namespace": NAMESPACE, "ConfigMap": "checkin-config"}
    job = _resources(K8S / "migrate")
    assert [doc["kind"] for doc in job] == ["Job"]
    assert commands[wait][-1] == f"job/{job[0]['metadata']['name']}"
    deleted = commands[_position(commands, lambda c: "delete" in c)]
    assert deleted.index("job") < deleted.index(job[0]["metadata"]["name"])  # a Job's pod cannot be changed
    assert _position(commands, lambda c: "delete" in c) < migrate


def test_every_object_lands_in_the_namespace():
    for folder in ("setup", "migrate", "release"):
        kustomization = _kustomization(K8S / folder)
        for doc in _resources(K8S / folder):
            if doc["kind"] in CLUSTER_WIDE:
                continue
            namespace = doc["metadata"].get("namespace", kustomization.get("namespace"))
            assert namespace == NAMESPACE, f"{folder}: {doc['kind']} {doc['metadata']['name']} has no namespace"


def test_one_kustomization_sets_the_image_tag_and_the_job_and_release_use_it():
    kustomizations = sorted(K8S.rglob("kustomization.yaml"))
    with_images = [path for path in kustomizations if "images" in _yaml(path)[0]]
    assert with_images == [K8S / "version" / "kustomization.yaml"]
    version = _yaml(with_images[0])[0]
    assert version["kind"] == "Component"
    named = {image["name"] for image in version["images"]}
    for folder in ("migrate", "release"):
        assert "../version" in _kustomization(K8S / folder)["components"]
        for doc in _resources(K8S / folder):
            pod = doc["spec"]["template"]["spec"] if doc["kind"] in {"Deployment", "Job"} else None
            for container in (pod or {}).get("containers", []):
                assert container["image"] in named, f"{container['image']} is set outside deploy/k8s/version"


def test_what_the_pods_read_is_made_by_setup_or_the_guides_secret():
    config = next(doc for doc in _resources(K8S / "setup") if doc["kind"] == "ConfigMap")
    example = {
        line.split("=", 1)[0]
        for line in (K8S / "checkin.env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    for folder in ("migrate", "release"):
        for doc in _resources(K8S / folder):
            if doc["kind"] not in {"Deployment", "Job"}:
                continue
            for container in doc["spec"]["template"]["spec"]["containers"]:
                for source in container.get("envFrom", []):
                    if "configMapRef" in source:
                        assert source["configMapRef"]["name"] == config["metadata"]["name"]
                    else:
                        assert source["secretRef"]["name"] == "checkin-secrets"
                for variable in container.get("env", []):
                    reference = variable.get("valueFrom", {})
                    if "configMapKeyRef" in reference:
                        assert reference["configMapKeyRef"]["key"] in config["data"]
                    if "secretKeyRef" in reference:
                        assert reference["secretKeyRef"]["key"] in example
                    for name in re.findall(r"\$\((\w+)\)", variable.get("value", "")):
                        assert name in config["data"] or name in example, f"$({name}) is set nowhere"
