-- Zeren's database roles: the application may only append to the accountability log.
--
-- The log (responsibilities_logentry) has triggers refusing UPDATE, DELETE and TRUNCATE (migration
-- responsibilities 0008), but the owner of a table, or a superuser, can disable or drop them. So:
--   zeren_owner  owns the database, its schema and every table; the one-off `migrate` service runs
--                as it (OWNER_DATABASE_URL). CREATEDB only for `make backup-drill`'s scratch copy.
--   zeren_app    owns nothing; web, worker and beat run as it (DATABASE_URL). It may read and write
--                the other tables, and only SELECT and INSERT on the log; it cannot touch triggers.
--
-- Run by a superuser with psql, on the application's database; idempotent, so run it again after
-- each upgrade's migrations (it re-applies the log's grants to the tables that now exist):
--   psql -v ON_ERROR_STOP=1 -d zeren -v db=zeren -v owner=zeren_owner -v app=zeren_app \
--        -v owner_password='…' -v app_password='…' -f deploy/app-role.sql
-- docker compose runs it on PostgreSQL's first start (deploy/postgres-init.sh).

\set ON_ERROR_STOP on

-- The roles, created once; passwords (re)set every run.
SELECT format('CREATE ROLE %I LOGIN', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER CREATEDB NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';

-- The owner owns the database and its schema; the extension migrations need is created here,
-- by the superuser, so that the owner never needs more.
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
CREATE EXTENSION IF NOT EXISTS btree_gist;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
GRANT USAGE ON SCHEMA public TO :"app";

-- Tables and sequences the owner creates from now on (every migration) are open to the app...
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";

-- ...and so are the ones that exist already (a re-run after migrations, or a restored database:
-- tables restored with --no-owner belong to whoever restored them, so hand them to the owner first).
SELECT format('ALTER TABLE %I.%I OWNER TO %I', schemaname, tablename, :'owner')
FROM pg_tables WHERE schemaname = 'public' AND tableowner <> :'owner' \gexec
SELECT format('ALTER SEQUENCE %I.%I OWNER TO %I', schemaname, sequencename, :'owner')
FROM pg_sequences WHERE schemaname = 'public' AND sequenceowner <> :'owner'
  -- an identity column's sequence follows its table
  AND NOT EXISTS (SELECT FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
                  WHERE s.relname = sequencename AND d.deptype = 'i') \gexec
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";

-- The log: append and read, nothing else (once the migrations have created it).
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %I FROM %I', 'responsibilities_logentry', :'app')
WHERE to_regclass('public.responsibilities_logentry') IS NOT NULL \gexec
SELECT format('GRANT SELECT, INSERT ON %I TO %I', 'responsibilities_logentry', :'app')
WHERE to_regclass('public.responsibilities_logentry') IS NOT NULL \gexec
