import { alarms, withTenant } from "@clubhouse/db";
import { addRevenue, makeClub, newCustomer } from "./club.ts";
import type { TestServer } from "./harness.ts";
import { call, type Json, loginAs } from "./harness.ts";

/** A user added by the club's manager and signed in. */
export async function addPerson(url: string, managerToken: string, slug: string, role: "rep" | "lead" | "manager", handle: string) {
  const email = `${handle}@${slug}.test`;
  const password = `${handle} password 1`;
  const res = await call(url, "POST", "/users", { token: managerToken, body: { email, name: handle, role, password } });
  if (res.status !== 201) throw new Error(`add ${role}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, token: await loginAs(url, slug, email, password) };
}

export async function teamOf(url: string, token: string, body: Record<string, unknown>): Promise<Json> {
  const res = await call(url, "POST", "/teams", { token, body });
  if (res.status !== 201) throw new Error(`team: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function members(url: string, token: string, teamId: string, body: { add?: string[]; remove?: string[] }) {
  const res = await call(url, "PUT", `/teams/${teamId}/members`, { token, body });
  if (res.status !== 200) throw new Error(`members: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A club in two teams: team A (lead A; rep1, rep2), team B (lead B; rep3), and rep4
 * in none. Each rep owns one active customer with a contact, revenue this month, a
 * complaint, a plan and a target, and has an open pace alarm.
 */
export async function makeTeamClub(t: TestServer, slug: string) {
  const url = t.url;
  const c = await makeClub(url, slug);
  const rep3 = await addPerson(url, c.manager.token, slug, "rep", "rep3");
  const rep4 = await addPerson(url, c.manager.token, slug, "rep", "rep4");
  const leadA = await addPerson(url, c.manager.token, slug, "lead", "leada");
  const leadB = await addPerson(url, c.manager.token, slug, "lead", "leadb");
  const teamA = await teamOf(url, c.manager.token, { name: `Team A ${slug}`, leadId: leadA.id });
  const teamB = await teamOf(url, c.manager.token, { name: `Team B ${slug}`, leadId: leadB.id });
  await members(url, c.manager.token, teamA.id, { add: [c.rep1.id, c.rep2.id] });
  await members(url, c.manager.token, teamB.id, { add: [rep3.id] });
  const reps = { rep1: c.rep1, rep2: c.rep2, rep3, rep4 };
  const customerOf: Record<string, Json> = {};
  for (const [name, rep] of Object.entries(reps)) {
    const cust = await newCustomer(url, rep.token, { name: `${name} 客户 ${slug}`, status: "active" });
    customerOf[name] = cust;
    const contact = await call(url, "POST", "/contacts", {
      token: rep.token,
      headers: { "idempotency-key": crypto.randomUUID() },
      body: { customerId: cust.id, channel: "visit" },
    });
    if (contact.status !== 201) throw new Error(`contact: ${contact.status} ${JSON.stringify(contact.body)}`);
    await addRevenue(url, rep.token, { customerId: cust.id, amount: 1000, occurredAt: "2026-03-14T10:00:00+08:00" });
    const complaint = await call(url, "POST", "/complaints", {
      token: rep.token,
      body: { customerId: cust.id, channel: "phone", summary: `complaint of ${name}` },
    });
    if (complaint.status !== 201) throw new Error(`complaint: ${complaint.status} ${JSON.stringify(complaint.body)}`);
    const plan = await call(url, "POST", "/plans", { token: rep.token, body: { customerId: cust.id, day: "2026-03-16" } });
    if (plan.status !== 201) throw new Error(`plan: ${plan.status} ${JSON.stringify(plan.body)}`);
    const target = await call(url, "PUT", `/targets/${rep.id}/2026-03`, { token: c.manager.token, body: { amount: 50000 } });
    if (target.status !== 200) throw new Error(`target: ${target.status} ${JSON.stringify(target.body)}`);
  }
  // an open pace alarm per rep, as the pace job raises them
  await withTenant(t.server.deps.database, c.tenantId, async (tx) => {
    await tx.insert(alarms).values(
      Object.entries(reps).map(([name, rep]) => ({
        tenantId: c.tenantId,
        key: `pace:${rep.id}:2026-03`,
        kind: "pace",
        repId: rep.id,
        level: "red",
        message: `pace of ${name}`,
        raisedAt: new Date("2026-03-15T01:00:00Z"),
      })),
    );
  });
  return { ...c, rep3, rep4, leadA, leadB, teamA, teamB, reps, customerOf };
}
export type TeamClub = Awaited<ReturnType<typeof makeTeamClub>>;
