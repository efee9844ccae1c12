import { rowsOf, sql, withTenant } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BigClub, seedBigClub } from "../support/big-club.ts";
import { call, type Json, startTestServer, TEST_DB, type TestServer } from "../support/harness.ts";
import { addPerson, members, teamOf } from "../support/teams.ts";

// A lead of 50 reps in a club of 500 reps and 50,000 customers: the team scope is
// read in the same statement as the rows, and answers stay exact and quick.
describe.skipIf(TEST_DB !== "postgres")("a team lead in the biggest club", () => {
  let t: TestServer;
  let club: BigClub;
  let lead: { id: string; token: string };
  let team: string[];

  beforeAll(async () => {
    t = await startTestServer();
    club = await seedBigClub(t, { slug: "teams-big", reps: 500, customers: 50_000 });
    lead = await addPerson(t.url, club.manager.token, "teams-big", "lead", "leadbig");
    const made = await teamOf(t.url, club.manager.token, { name: "Big team", leadId: lead.id });
    team = club.reps.slice(100, 150).map((r) => r.id);
    await members(t.url, club.manager.token, made.id, { add: team });
  }, 300_000);
  afterAll(() => t?.close());

  const timed = async (path: string) => {
    const started = performance.now();
    const res = await call(t.url, "GET", path, { token: lead.token });
    const ms = performance.now() - started;
    expect(res.status, path).toBe(200);
    return { body: res.body as Json, ms };
  };

  it("sees exactly the team's customers, quota and alarms, in good time", async () => {
    const expected = await withTenant(t.server.deps.database, club.tenantId, async (tx) =>
      Number(
        rowsOf<{ n: string }>(
          await tx.execute(sql`select count(*) as n from customers where owner_id in ${sql.raw(`('${team.join("','")}')`)}`),
        )[0]?.n,
      ),
    );
    const times: Record<string, number> = {};
    for (let i = 0; i < 2; i++) {
      const list = await timed("/customers?limit=50");
      times.customers = list.ms;
      expect(list.body.total).toBe(expected);
      expect(list.body.items.every((c: Json) => team.includes(c.ownerId))).toBe(true);
      const bySpend = await timed("/customers?limit=50&sort=spend&dir=desc");
      times.customersBySpend = bySpend.ms;
      const quota = await timed("/quota");
      times.quota = quota.ms;
      expect(quota.body.reps.map((r: Json) => r.repId).sort()).toEqual([...team].sort());
      const alarms = await timed("/alarms?limit=200");
      times.alarms = alarms.ms;
      expect(alarms.body.items.every((a: Json) => team.includes(a.repId))).toBe(true);
      const contacts = await timed("/contacts?limit=200");
      times.contacts = contacts.ms;
      expect(contacts.body.items.every((x: Json) => team.includes(x.repId))).toBe(true);
      times.export = (await timed("/customers/export.csv")).ms;
    }
    console.log(`lead of 50 reps in ${club.counts.reps} reps / ${club.counts.customers} customers (${expected} theirs), ms:`, times);
  });
});
