"""deploy/: the image definition, the compose file and the Kubernetes manifests say what the guide says.

No Docker engine or cluster exists here: these tests parse the files and check
the properties that matter; deploy/README.md lists what was not run.
"""

import os
import re
import subprocess
import sys

import yaml

from tests.deploy.processes import ROOT

DEPLOY = ROOT / "deploy"


def _stages(dockerfile: str) -> list[list[str]]:
    """The instructions of each stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", dockerfile)
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
BUILDER, FINAL = _stages(DOCKERFILE)


def test_the_image_is_built_in_two_stages_on_python_3_11_slim():
    assert BUILDER[0].split()[1].startswith("python:3.11-slim")
    assert FINAL[0].split()[1].startswith("python:3.11-slim")
    assert any("build-essential" in line for line in BUILDER)
    assert any(line.startswith("COPY --from=builder /opt/venv") for line in FINAL)


def test_the_final_stage_has_no_build_tools():
    final = "\n".join(FINAL)
    for tool in ("build-essential", "gcc", "libpq-dev", "python3-dev", "make "):
        assert tool not in final, tool


def test_the_final_stage_has_the_postgresql_client_of_the_servers_major_version_for_backups():
    final = "\n".join(FINAL)
    assert "ARG PG_MAJOR=15" in final  # the machine's server, which the backup tests restore into
    assert "postgresql-client-${PG_MAJOR}" in final
    assert "CHECKIN_PG_BIN=/usr/lib/postgresql/${PG_MAJOR}/bin" in final


def test_the_postgresql_server_of_compose_and_kubernetes_is_no_newer_than_the_images_pg_dump():
    """pg_dump refuses a server of a newer major version: the backup commands would fail on the first night."""
    client_arg = re.search(r"^ARG PG_MAJOR=(\d+)$", DOCKERFILE, re.MULTILINE)
    assert client_arg, "deploy/Dockerfile sets no PG_MAJOR"
    client = int(client_arg.group(1))
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    server_image = compose["services"]["postgres"]["image"]
    server_tag = re.fullmatch(r"postgres:(\d+)(?:[.-].*)?", server_image)
    assert server_tag, f"compose's PostgreSQL image {server_image} names no major version"
    server = int(server_tag.group(1))
    assert server <= client, f"compose runs {server_image}; the image's pg_dump is {client}"
    # Kubernetes uses a PostgreSQL of the operator's: the ConfigMap names the version it must be.
    config = (DEPLOY / "k8s" / "setup" / "config.yaml").read_text()
    named = {int(version) for version in re.findall(r"PostgreSQL (\d+)", config)}
    assert named and max(named) <= client, f"the ConfigMap names PostgreSQL {named}; the image's pg_dump is {client}"
    # Nothing else in deploy/ starts a PostgreSQL server of another version.
    for manifest in DEPLOY.rglob("*.y*ml"):
        for version in re.findall(r"image:\s*[\"']?postgres:(\d+)", manifest.read_text()):
            assert int(version) <= client, manifest


def test_it_runs_as_a_non_root_user_with_a_healthcheck_on_healthz():
    users = [line.split()[1] for line in FINAL if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert FINAL.index(next(line for line in FINAL if line.startswith("USER "))) > FINAL.index(
        next(line for line in FINAL if "collectstatic" in line)
    )
    healthcheck = next(line for line in FINAL if line.startswith("HEALTHCHECK "))
    assert "/healthz" in healthcheck


def test_static_files_are_collected_at_build_time_with_placeholders_that_work(tmp_path):
    """The RUN line of the image, executed here: production settings import without a database."""
    run = next(line for line in FINAL if "collectstatic" in line)
    assignments = dict(re.findall(r"\b([A-Z_]+)=(\S+)", run))
    unset = {
        "DEBUG",
        "SENTRY_DSN",
        "REDIS_URL",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "CHECKIN_EXPORT_STORAGE",
        "CHECKIN_MEDIA_STORAGE",
    }
    env = {key: value for key, value in os.environ.items() if key not in unset}
    static_root = tmp_path / "static"
    env.update(
        assignments,
        PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
        DJANGO_SETTINGS_MODULE="checkin.settings_production",
        STATIC_ROOT=str(static_root),
    )
    result = subprocess.run(
        [sys.executable, "platform/manage.py", "collectstatic", "--noinput", "--clear", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (static_root / "checkin" / "app.css").exists()
    assert "build.invalid" in assignments["DATABASE_URL"]  # never a real database at build time


def test_the_entrypoint_runs_each_process_with_its_documented_command():
    entrypoint = re.sub(r"\\\n\s*", "", (DEPLOY / "entrypoint.sh").read_text())
    assert "exec gunicorn -c deploy/gunicorn.conf.py checkin.wsgi" in entrypoint
    assert re.search(r"celery -A checkin worker .*--max-tasks-per-child", entrypoint)
    assert "celery -A checkin beat" in entrypoint
    assert re.search(
        r"manage.py migrate_schemas --noinput.*\n\s*exec python platform/manage.py ensure_platform", entrypoint
    )
    # The fleet executor by default (django-tenants' own executors skip its replay of alike schemas).
    assert 'migrate_schemas --noinput --executor "${MIGRATE_EXECUTOR:-fleet}"' in entrypoint
    assert os.access(DEPLOY / "entrypoint.sh", os.X_OK)


def test_the_build_context_is_limited_to_what_the_image_copies():
    ignore = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if not line.startswith("#")]
    assert ignore[0] == "**"  # everything is excluded, then only what the image needs is let in
    for needed in ("!pyproject.toml", "!platform/", "!shared_apps/", "!tenant_apps/", "!deploy/gunicorn.conf.py"):
        assert needed in ignore


COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_every_service_of_a_single_server():
    assert set(COMPOSE["services"]) == {"postgres", "pgbouncer", "redis", "migrate", "web", "worker", "beat", "caddy"}
    services = COMPOSE["services"]
    assert services["web"]["command"] == ["web"]
    assert services["worker"]["command"] == ["worker"]
    assert services["beat"]["command"] == ["beat"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"


def test_compose_starts_the_app_only_after_the_migration_completed():
    services = COMPOSE["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["caddy"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_compose_publishes_only_the_proxy_and_takes_secrets_from_the_environment():
    services = COMPOSE["services"]
    published = {name for name, service in services.items() if "ports" in service}
    assert published == {"caddy"}
    web_env = services["web"]["environment"]
    assert web_env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert web_env["DJANGO_SETTINGS_MODULE"] == "checkin.settings_production"
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]


def test_compose_logs_the_application_in_as_the_guides_login_through_pgbouncer():
    services = COMPOSE["services"]
    assert services["postgres"]["environment"]["POSTGRES_USER"] == "postgres"  # the superuser is not the app's
    assert (
        "./postgres/init-roles.sh:/docker-entrypoint-initdb.d/10-checkin-roles.sh:ro" in services["postgres"]["volumes"]
    )
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://checkin__login:${CHECKIN_DB_PASSWORD")
        assert env["DATABASE_URL"].endswith("@pgbouncer:6432/checkin")
        assert env["CHECKIN_DB_OWNER_ROLE"] == "checkin__owner"
        assert env["CHECKIN_DB_PREPARE"] == "0"  # PgBouncer 1.18 cannot carry prepared statements
        assert services[name]["depends_on"]["pgbouncer"] == {"condition": "service_healthy"}
    migrate = services["migrate"]["environment"]
    assert migrate["DATABASE_URL"].endswith("@postgres:5432/checkin")  # migrations go straight to PostgreSQL
    assert migrate["CHECKIN_DB_OWNER_ROLE"] == "checkin__owner"


def _manifests() -> list[dict]:
    documents = []
    for path in sorted((DEPLOY / "k8s").rglob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        documents += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return documents


MANIFESTS = _manifests()


def _of_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in MANIFESTS if doc["kind"] == kind}


def test_the_manifests_have_the_expected_kinds():
    kinds = {doc["kind"] for doc in MANIFESTS}
    assert {"Deployment", "Job", "HorizontalPodAutoscaler", "Service", "Ingress", "ConfigMap"} <= kinds
    assert set(_of_kind("Deployment")) == {"checkin-web", "checkin-worker", "checkin-beat", "checkin-pgbouncer"}


def test_web_has_readiness_and_liveness_probes():
    web = _of_kind("Deployment")["checkin-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_beat_is_one_replica_replaced_not_rolled():
    beat = _of_kind("Deployment")["checkin-beat"]["spec"]
    assert beat["replicas"] == 1
    assert beat["strategy"] == {"type": "Recreate"}
    assert not any(
        hpa["spec"]["scaleTargetRef"]["name"] == "checkin-beat" for hpa in _of_kind("HorizontalPodAutoscaler").values()
    )


def test_web_and_worker_scale_horizontally():
    targets = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in _of_kind("HorizontalPodAutoscaler").values()}
    assert targets == {"checkin-web", "checkin-worker"}


def test_the_migration_job_runs_migrate_and_every_pod_takes_secrets_from_a_secret():
    job = next(iter(_of_kind("Job").values()))
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    assert {"name": "MIGRATE_EXECUTOR", "value": "fleet"} in job["spec"]["template"]["spec"]["containers"][0]["env"]
    app = {name: d for name, d in _of_kind("Deployment").items() if name != "checkin-pgbouncer"}
    pods = [job["spec"]["template"]] + [d["spec"]["template"] for d in app.values()]
    for pod in pods:
        assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
        container = pod["spec"]["containers"][0]
        assert {"secretRef": {"name": "checkin-secrets"}} in container["envFrom"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
    worker = _of_kind("Deployment")["checkin-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["args"] == ["worker"]  # the entrypoint adds --max-tasks-per-child


def test_the_ingress_routes_the_root_and_every_subdomain_to_the_web_service():
    ingress = next(iter(_of_kind("Ingress").values()))
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    assert hosts == {"checkin.example", "*.checkin.example"}
    for rule in ingress["spec"]["rules"]:
        assert rule["http"]["paths"][0]["backend"]["service"]["name"] == "checkin-web"


def test_the_example_environment_names_every_variable_compose_requires():
    required = set(re.findall(r"\$\{(\w+):\?", (DEPLOY / "compose.yaml").read_text()))
    example = {line.split("=", 1)[0] for line in (DEPLOY / ".env.example").read_text().splitlines() if "=" in line}
    assert required and required <= example


def test_every_process_of_the_image_first_passes_the_deploy_checks():
    entrypoint = (DEPLOY / "entrypoint.sh").read_text()
    guard = next(line for line in entrypoint.splitlines() if "manage.py check --deploy" in line)
    assert guard.startswith('case "${1:-web}" in web|worker|beat|migrate)')
    assert "python platform/manage.py check --deploy --fail-level ERROR" in guard
    assert entrypoint.index(guard) < entrypoint.index("exec gunicorn")
