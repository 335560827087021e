-- Database bootstrap for a DBA: the same roles, schemas and grants as `pnpm bootstrap` makes.
-- Run as a superuser on the target database, in two steps around the users migrations:
--   psql "$ADMIN_URL" -v users_pw=... -v offers_pw=... -v db=classifieds -f infra/bootstrap.sql
--   (run the users service's migrations as users_svc)
--   psql "$ADMIN_URL" -f infra/grant-references.sql
--   (run the offers service's migrations as offers_svc)
-- Every statement is idempotent.

SELECT format('CREATE ROLE users_svc LOGIN PASSWORD %L', :'users_pw')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'users_svc') \gexec
SELECT format('CREATE ROLE offers_svc LOGIN PASSWORD %L', :'offers_pw')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'offers_svc') \gexec
ALTER ROLE users_svc WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
ALTER ROLE offers_svc WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;

-- Each role owns its own schema and nothing else.
CREATE SCHEMA IF NOT EXISTS users AUTHORIZATION users_svc;
CREATE SCHEMA IF NOT EXISTS offers AUTHORIZATION offers_svc;
ALTER SCHEMA users OWNER TO users_svc;
ALTER SCHEMA offers OWNER TO offers_svc;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
SELECT format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO users_svc, offers_svc', :'db') \gexec

-- Offers may see that schema users exists (to reference users.users), nothing more.
GRANT USAGE ON SCHEMA users TO offers_svc;
