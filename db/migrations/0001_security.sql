-- Tenancy is enforced by PostgreSQL, not by code that remembers a filter.
-- The application runs every query as clubhouse_app (neither owner, superuser
-- nor BYPASSRLS) inside a transaction that set app.tenant_id.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clubhouse_app') THEN
    CREATE ROLE clubhouse_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- roles are cluster-wide: another database's migration created it just now
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO clubhouse_app;
--> statement-breakpoint
-- Tables that hold no club data. Every other table in public must carry tenant_id
-- (or be tenants itself) and is secured by app_secure_tables().
CREATE OR REPLACE FUNCTION app_global_tables() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['auth_throttle']::text[]
$$;
--> statement-breakpoint
-- Idempotent: enables and forces RLS, installs the tenant policy and grants the
-- app role what it may do. A table commented 'append-only' gets SELECT and
-- INSERT only (facts are never updated or deleted). Runs after every migrate,
-- so a new table is secured without anyone remembering to.
CREATE OR REPLACE FUNCTION app_secure_tables() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t record;
  col text;
  privs text;
BEGIN
  FOR t IN
    SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class') AS note
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  LOOP
    privs := CASE WHEN t.note = 'append-only' THEN 'SELECT, INSERT' ELSE 'SELECT, INSERT, UPDATE, DELETE' END;
    IF t.relname = ANY (app_global_tables()) THEN
      EXECUTE format('GRANT %s ON %I TO clubhouse_app', privs, t.relname);
      CONTINUE;
    END IF;
    IF t.relname = 'tenants' THEN
      col := 'id';
    ELSIF EXISTS (SELECT FROM pg_attribute WHERE attrelid = t.oid AND attname = 'tenant_id' AND NOT attisdropped) THEN
      col := 'tenant_id';
    ELSE
      RAISE EXCEPTION 'table % has no tenant_id and is not listed in app_global_tables()', t.relname;
    END IF;
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.relname);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t.relname);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (%I = nullif(current_setting(''app.tenant_id'', true), '''')::uuid) WITH CHECK (%I = nullif(current_setting(''app.tenant_id'', true), '''')::uuid)',
      t.relname, col, col);
    EXECUTE format('REVOKE ALL ON %I FROM clubhouse_app', t.relname);
    EXECUTE format('GRANT %s ON %I TO clubhouse_app', privs, t.relname);
  END LOOP;
END $$;
--> statement-breakpoint
-- Login names a club by slug before any tenant is set: a transaction that sets
-- app.tenant_slug may read that one club's row, and nothing else.
DROP POLICY IF EXISTS tenant_by_slug ON tenants;
--> statement-breakpoint
CREATE POLICY tenant_by_slug ON tenants FOR SELECT USING (slug = nullif(current_setting('app.tenant_slug', true), ''));
--> statement-breakpoint
COMMENT ON TABLE audit_events IS 'append-only';
--> statement-breakpoint
SELECT app_secure_tables();
