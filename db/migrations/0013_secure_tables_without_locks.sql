-- app_secure_tables() runs after every migrate, that is at every server start. It used
-- to ALTER every table (enable and force RLS, drop and create the tenant policy, revoke
-- and grant) in one transaction: each ALTER takes the table's strongest lock and holds it
-- to the end, so a process starting beside running ones stopped every club's traffic
-- while it ran, and could deadlock with a running transaction that touched two tables in
-- the other order (seen: a second server process refused to start, "deadlock detected").
-- Now it reads the catalog and changes only what is not already as it must be: on a
-- secured database it takes no table lock at all; a new table, or one whose RLS, policy
-- or grants were changed by hand, is secured as before.
CREATE OR REPLACE FUNCTION app_secure_tables() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t record;
  col text;
  privs text;
  want text[];
  have text[];
  qual text;
BEGIN
  FOR t IN
    SELECT c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity, obj_description(c.oid, 'pg_class') AS note
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  LOOP
    privs := CASE WHEN t.note = 'append-only' THEN 'SELECT, INSERT' ELSE 'SELECT, INSERT, UPDATE, DELETE' END;
    want := CASE WHEN t.note = 'append-only' THEN ARRAY['INSERT', 'SELECT'] ELSE ARRAY['DELETE', 'INSERT', 'SELECT', 'UPDATE'] END;
    SELECT coalesce(array_agg(a.privilege_type::text ORDER BY a.privilege_type::text), '{}')
      INTO have
      FROM pg_class c, aclexplode(c.relacl) a
      WHERE c.oid = t.oid AND a.grantee = 'clubhouse_app'::regrole;
    IF have IS DISTINCT FROM want THEN
      EXECUTE format('REVOKE ALL ON %I FROM clubhouse_app', t.relname);
      EXECUTE format('GRANT %s ON %I TO clubhouse_app', privs, t.relname);
    END IF;
    CONTINUE WHEN t.relname = ANY (app_global_tables());
    IF t.relname = 'tenants' THEN
      col := 'id';
    ELSIF EXISTS (SELECT FROM pg_attribute WHERE attrelid = t.oid AND attname = 'tenant_id' AND NOT attisdropped) THEN
      col := 'tenant_id';
    ELSE
      RAISE EXCEPTION 'table % has no tenant_id and is not listed in app_global_tables()', t.relname;
    END IF;
    IF NOT t.relrowsecurity THEN
      EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
    END IF;
    IF NOT t.relforcerowsecurity THEN
      EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.relname);
    END IF;
    -- the policy as PostgreSQL prints it back: anything else (edited, narrowed to a role
    -- or a command, made restrictive) is replaced
    qual := format('(%I = (NULLIF(current_setting(''app.tenant_id''::text, true), ''''::text))::uuid)', col);
    IF NOT EXISTS (
      SELECT FROM pg_policy p
      WHERE p.polrelid = t.oid AND p.polname = 'tenant_isolation' AND p.polcmd = '*' AND p.polpermissive
        AND p.polroles = '{0}' AND pg_get_expr(p.polqual, p.polrelid) = qual AND pg_get_expr(p.polwithcheck, p.polrelid) = qual
    ) THEN
      EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t.relname);
      EXECUTE format(
        'CREATE POLICY tenant_isolation ON %I USING (%I = nullif(current_setting(''app.tenant_id'', true), '''')::uuid) WITH CHECK (%I = nullif(current_setting(''app.tenant_id'', true), '''')::uuid)',
        t.relname, col, col);
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
SELECT app_secure_tables();
