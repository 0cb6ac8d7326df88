#!/bin/sh
# PgBouncer for Check-in: deploy/pgbouncer.ini as shipped, with the database, the listening address and
# the application's login taken from the environment (nothing secret is baked into the image).
set -eu
: "${CHECKIN_DB_PASSWORD:?set CHECKIN_DB_PASSWORD (the password of the application login)}"
db_name="${POSTGRES_DB:-checkin}"
login="${CHECKIN_DB_USER:-${db_name}__login}"
run="${PGBOUNCER_RUN_DIR:-/tmp/pgbouncer}"
umask 077
mkdir -p "$run"
# userlist.txt: one quoted name and password a line, a double quote written twice. A plain password serves
# both sides: clients prove it with SCRAM, and PgBouncer logs in to PostgreSQL with it.
quoted=$(printf '%s' "$CHECKIN_DB_PASSWORD" | sed 's/"/""/g')
printf '"%s" "%s"\n' "$login" "$quoted" > "$run/userlist.txt"
sed -e "s|^checkin = .*|$db_name = host=${POSTGRES_HOST:-postgres} port=${POSTGRES_PORT:-5432} dbname=$db_name|" \
    -e "s|^listen_addr = .*|listen_addr = ${PGBOUNCER_LISTEN_ADDR:-0.0.0.0}|" \
    -e "s|^listen_port = .*|listen_port = ${PGBOUNCER_PORT:-6432}|" \
    -e "s|^auth_file = .*|auth_file = $run/userlist.txt|" \
    "${PGBOUNCER_CONFIG:-/etc/pgbouncer/pgbouncer.ini}" > "$run/pgbouncer.ini"
exec "${PGBOUNCER_BINARY:-pgbouncer}" "$run/pgbouncer.ini"
