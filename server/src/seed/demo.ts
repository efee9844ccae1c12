import { tenants, users, withoutTenant, withTenant } from "@clubhouse/db";
import { eq } from "drizzle-orm";
import { hashPassword } from "../auth/password.ts";
import { createClub } from "../auth/service.ts";
import type { Deps } from "../deps.ts";

/** Sign-in details of the demo club, also printed in the README. */
export const DEMO = {
  club: "demo",
  admin: { email: "admin@demo.club", password: "demo-admin-1", name: "王总 (Admin)" },
  manager: { email: "manager@demo.club", password: "demo-manager-1", name: "李经理 (Manager)" },
  reps: [
    { email: "rep@demo.club", password: "demo-rep-1", name: "张伟 (Rep)" },
    { email: "rep2@demo.club", password: "demo-rep-2", name: "陈静 (Rep)" },
  ],
};

/** Creates the demo club on first start; a later start finds it and does nothing. */
export async function seedDemoClub(deps: Deps) {
  const existing = await withoutTenant(deps.database, (tx) => tx.select().from(tenants).where(eq(tenants.slug, DEMO.club)), {
    slug: DEMO.club,
  });
  if (existing.length > 0) return;
  const { tenant } = await createClub(deps, {
    club: { name: "Demo Club 示范俱乐部", slug: DEMO.club, timezone: "Asia/Shanghai" },
    admin: DEMO.admin,
  });
  const people = [{ ...DEMO.manager, role: "manager" as const }, ...DEMO.reps.map((r) => ({ ...r, role: "rep" as const }))];
  const rows = await Promise.all(
    people.map(async (p) => ({
      tenantId: tenant.id,
      email: p.email,
      name: p.name,
      role: p.role,
      passwordHash: await hashPassword(p.password),
    })),
  );
  await withTenant(deps.database, tenant.id, (tx) => tx.insert(users).values(rows));
  deps.logger.info({ club: DEMO.club }, "demo club created");
}
