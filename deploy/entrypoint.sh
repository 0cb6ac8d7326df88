#!/bin/sh
# One image, four processes: web | worker | beat | migrate; anything else runs as given.
set -eu
# The folder above this script: /app in the image, the checkout when run from a test (tests/deploy/test_topology.py).
cd "$(dirname "$0")/.."
# What the settings cannot see at import stops every process too: a superuser database login, console e-mail,
# an export folder it cannot write (`check --deploy`, checkin/checks.py); warnings are logged, not fatal.
case "${1:-web}" in web|worker|beat|migrate) python platform/manage.py check --deploy --fail-level ERROR ;; esac
case "${1:-web}" in
  web)
    exec gunicorn -c deploy/gunicorn.conf.py checkin.wsgi ;;
  worker)
    # With a metrics port, the pool processes write their metrics to one folder that the main process serves.
    if [ -n "${CHECKIN_WORKER_METRICS_PORT:-}" ] && [ "${CHECKIN_WORKER_METRICS_PORT}" != 0 ]; then
      export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/checkin-worker-metrics}"
      mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    fi
    # Recycled now and then: a connection caches metadata of every schema it touched (DESIGN.md, many schemas).
    exec celery -A checkin worker --loglevel "${LOG_LEVEL:-INFO}" \
      --concurrency "${CELERY_CONCURRENCY:-2}" --max-tasks-per-child "${CELERY_MAX_TASKS_PER_CHILD:-200}" ;;
  beat)
    # Exactly one beat may run; it keeps its schedule in CHECKIN_BEAT_SCHEDULE_FILE, on a volume of its own.
    exec celery -A checkin beat --loglevel "${LOG_LEVEL:-INFO}" ;;
  migrate)
    python platform/manage.py migrate_schemas --noinput --executor "${MIGRATE_EXECUTOR:-fleet}"
    exec python platform/manage.py ensure_platform ;;
  *)
    exec "$@" ;;
esac
