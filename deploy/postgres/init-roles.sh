#!/bin/sh
# The database roles of deploy/README.md, "Database roles", created by the PostgreSQL superuser:
#   <db>__owner  NOLOGIN: owns the database, its schemas and the per-schema roles (migrations SET ROLE to it)
#   <db>__login  LOGIN, no superuser, owns nothing, NOINHERIT: the application's DATABASE_URL login
# PostgreSQL's image runs it once, on an empty data folder (/docker-entrypoint-initdb.d); on an existing
# cluster run it by hand with the same variables. Idempotent: a second run only sets the password again.
set -eu
: "${POSTGRES_DB:?set POSTGRES_DB (the database name)}"
: "${CHECKIN_DB_PASSWORD:?set CHECKIN_DB_PASSWORD (the password of the application login)}"
owner="${CHECKIN_DB_OWNER_ROLE:-${POSTGRES_DB}__owner}"
login="${CHECKIN_DB_USER:-${POSTGRES_DB}__login}"
psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" -v owner="$owner" -v login="$login" -v password="$CHECKIN_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I NOLOGIN CREATEROLE', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE', :'login')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'login') \gexec
ALTER ROLE :"login" LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
-- The login takes the owner's rights only by SET ROLE (migrations, provisioning), never by inheritance.
GRANT :"owner" TO :"login";
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
SQL
