"""Logical backups: a company's schema, the whole database, a restore into a new database, a restore drill.

The commands `backup_company`, `backup_all`, `restore_backup` and
`restore_drill` run PostgreSQL's own `pg_dump` and `pg_restore`
(`CHECKIN_PG_BIN`, else from PATH) with the connection settings of DATABASES,
as the owner role (`CHECKIN_DB_OWNER_ROLE`): the application's login owns
nothing and may not read a company schema itself, so a dump taken with its own
rights would be empty.
"""
