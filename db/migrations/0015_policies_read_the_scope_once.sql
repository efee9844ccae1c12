-- Every policy reads its scope (current_setting) inside a scalar subquery, which
-- PostgreSQL evaluates once per statement (an InitPlan) instead of once per row it
-- checks. An index scan was already keyed by one evaluation; a sequential scan -- which
-- the planner picks for small tables such as club_settings and tenants, one page for a
-- hundred clubs -- called current_setting, nullif and the uuid cast for every row of
-- every club before the comparison threw them away. What each policy lets through is
-- unchanged: the same setting compared the same way.
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
    -- or a command, made restrictive, or the older per-row form) is replaced
    qual := format('(%I = ( SELECT (NULLIF(current_setting(''app.tenant_id''::text, true), ''''::text))::uuid AS "nullif"))', col);
    IF NOT EXISTS (
      SELECT FROM pg_policy p
      WHERE p.polrelid = t.oid AND p.polname = 'tenant_isolation' AND p.polcmd = '*' AND p.polpermissive
        AND p.polroles = '{0}' AND pg_get_expr(p.polqual, p.polrelid) = qual AND pg_get_expr(p.polwithcheck, p.polrelid) = qual
    ) THEN
      EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t.relname);
      EXECUTE format(
        'CREATE POLICY tenant_isolation ON %I USING (%I = (SELECT nullif(current_setting(''app.tenant_id'', true), '''')::uuid)) WITH CHECK (%I = (SELECT nullif(current_setting(''app.tenant_id'', true), '''')::uuid))',
        t.relname, col, col);
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_by_slug ON tenants;
--> statement-breakpoint
CREATE POLICY tenant_by_slug ON tenants FOR SELECT USING (slug = (SELECT nullif(current_setting('app.tenant_slug', true), '')));
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_directory ON tenants;
--> statement-breakpoint
CREATE POLICY tenant_directory ON tenants FOR SELECT USING ((SELECT current_setting('app.tenant_directory', true)) = 'on');
--> statement-breakpoint
DROP POLICY IF EXISTS notify_directory ON notify_wakeups;
--> statement-breakpoint
CREATE POLICY notify_directory ON notify_wakeups FOR SELECT USING ((SELECT current_setting('app.notify_directory', true)) = 'on');
--> statement-breakpoint
SELECT app_secure_tables();
