import { rowsOf, sql, withTenant } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BigClub, seedBigClub } from "../support/big-club.ts";
import { call, type Json, startTestServer, TEST_DB, type TestServer } from "../support/harness.ts";
import { addPerson, members, teamOf } from "../support/teams.ts";

// A lead of 50 reps in a club of 500 reps and 20,000 customers: the team scope is
// read in the same statement as the rows, and answers stay exact (timings are the
// bench's job, not a test's).
describe.skipIf(TEST_DB !== "postgres")("a team lead in the biggest club", () => {
  let t: TestServer;
  let club: BigClub;
  let lead: { id: string; token: string };
  let team: string[];

  beforeAll(async () => {
    t = await startTestServer();
    club = await seedBigClub(t, { slug: "teams-big", reps: 500, customers: 20_000 });
    lead = await addPerson(t.url, club.manager.token, "teams-big", "lead", "leadbig");
    const made = await teamOf(t.url, club.manager.token, { name: "Big team", leadId: lead.id });
    team = club.reps.slice(100, 150).map((r) => r.id);
    await members(t.url, club.manager.token, made.id, { add: team });
  }, 300_000);
  afterAll(() => t?.close());

  const get = async (path: string) => {
    const res = await call(t.url, "GET", path, { token: lead.token });
    expect(res.status, path).toBe(200);
    return { body: res.body as Json };
  };

  it("sees exactly the team's customers, quota, alarms and contacts", async () => {
    const expected = await withTenant(t.server.deps.database, club.tenantId, async (tx) =>
      Number(
        rowsOf<{ n: string }>(
          await tx.execute(sql`select count(*) as n from customers where owner_id in ${sql.raw(`('${team.join("','")}')`)}`),
        )[0]?.n,
      ),
    );
    const list = await get("/customers?limit=50");
    expect(list.body.total).toBe(expected);
    expect(list.body.items.every((c: Json) => team.includes(c.ownerId))).toBe(true);
    const bySpend = await get("/customers?limit=50&sort=spend&dir=desc");
    expect(bySpend.body.total).toBe(expected);
    expect(bySpend.body.items.every((c: Json) => team.includes(c.ownerId))).toBe(true);
    const quota = await get("/quota");
    expect(quota.body.reps.map((r: Json) => r.repId).sort()).toEqual([...team].sort());
    const alarms = await get("/alarms?limit=200");
    expect(alarms.body.items.every((a: Json) => team.includes(a.repId))).toBe(true);
    const contacts = await get("/contacts?limit=200");
    expect(contacts.body.items.every((x: Json) => team.includes(x.repId))).toBe(true);
    await get("/customers/export.csv");
  });
});
