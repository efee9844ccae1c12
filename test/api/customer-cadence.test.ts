import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, loginAs, startTestServer, type TestServer } from "../support/harness.ts";

// Club time Asia/Shanghai; no spend anywhere, so every active customer is tier C:
// six visits a year, one every ⌊365 / 6⌋ = 60 club days (SPEC §5, 第四条 2①).
let t: TestServer;
let c: Club;
const ids = { late: "", due: "", never: "", prospect: "" };

async function signIn() {
  c.manager.token = await loginAs(t.url, c.slug, `mgr@${c.slug}.test`, "manager pass 1");
  c.rep1.token = await loginAs(t.url, c.slug, `rep1@${c.slug}.test`, "rep one pass 1");
}

async function visit(customerId: string, occurredAt: string) {
  const res = await call(t.url, "POST", "/contacts", {
    token: c.rep1.token,
    body: { customerId, channel: "visit", occurredAt },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
}

beforeAll(async () => {
  t = await startTestServer({}, "2026-02-28T08:30:00+08:00");
  c = await makeClub(t.url, "cadence");
  // "late": visited 2026-02-28 08:00, due 2026-04-29 08:00
  ids.late = (await newCustomer(t.url, c.rep1.token, { name: "Late Co", status: "active" })).id;
  await visit(ids.late, "2026-02-28T08:00:00+08:00");
  t.clock.set("2026-03-01T20:00:00+08:00");
  await signIn();
  // "due": visited 2026-03-01 19:00, due 2026-04-30 19:00
  ids.due = (await newCustomer(t.url, c.rep1.token, { name: "Due Co", status: "active" })).id;
  await visit(ids.due, "2026-03-01T19:00:00+08:00");
  // "never": active since 2026-03-01 20:00 and never visited, due 2026-04-30 20:00
  ids.never = (await newCustomer(t.url, c.rep1.token, { name: "Never Co", status: "active" })).id;
  // a prospect: no cadence applies
  ids.prospect = (await newCustomer(t.url, c.rep1.token, { name: "Prospect Co" })).id;
});
afterAll(() => t?.close());

const cadence = (r: Json) => ({ overdue: r.overdue, nextVisitDue: r.nextVisitDue, daysOverdue: r.daysOverdue });

/** The cadence figures of each customer, from the list and from each one's own read (they agree). */
async function figures(): Promise<Record<string, Json>> {
  const list = await call(t.url, "GET", "/customers?limit=200", { token: c.rep1.token });
  expect(list.status).toBe(200);
  const out: Record<string, Json> = {};
  for (const [k, id] of Object.entries(ids)) {
    const row = (list.body.items as Json[]).find((r) => r.id === id);
    expect(row).toBeDefined();
    const one = await call(t.url, "GET", `/customers/${id}`, { token: c.manager.token });
    expect(one.status).toBe(200);
    expect(cadence(one.body)).toEqual(cadence(row as Json));
    out[k] = cadence(row as Json);
  }
  return out;
}

/** GET /reps/overdue's days by customer: the list's figure is the same one. */
async function overdueList(): Promise<Record<string, number>> {
  const res = await call(t.url, "GET", "/reps/overdue?limit=200", { token: c.rep1.token });
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body.items as Json[]).map((i) => [i.customerId, i.daysOverdue]));
}

describe("customer rows carry the cadence figures (SPEC §5, 第四条 2①)", () => {
  it("right after a visit: due 60 club days on, nothing overdue; a prospect has no due date", async () => {
    expect(await figures()).toEqual({
      late: { overdue: false, nextVisitDue: "2026-04-29", daysOverdue: 0 },
      due: { overdue: false, nextVisitDue: "2026-04-30", daysOverdue: 0 },
      never: { overdue: false, nextVisitDue: "2026-04-30", daysOverdue: 0 },
      prospect: { overdue: false, nextVisitDue: null, daysOverdue: 0 },
    });
  });

  it("due today is not overdue; one day past the due instant is 1 day overdue", async () => {
    t.clock.set("2026-04-30T12:00:00+08:00");
    await signIn();
    expect(await figures()).toEqual({
      // due 2026-04-29 08:00: 1 day 4 hours ago
      late: { overdue: true, nextVisitDue: "2026-04-29", daysOverdue: 1 },
      // due at 19:00 and 20:00 today
      due: { overdue: false, nextVisitDue: "2026-04-30", daysOverdue: 0 },
      never: { overdue: false, nextVisitDue: "2026-04-30", daysOverdue: 0 },
      prospect: { overdue: false, nextVisitDue: null, daysOverdue: 0 },
    });
    expect(await overdueList()).toEqual({ [ids.late]: 1 });
  });

  it("on the first day overdue the days are 0; a customer never visited counts from becoming active", async () => {
    t.clock.set("2026-04-30T19:30:00+08:00");
    await signIn();
    expect(await figures()).toMatchObject({
      due: { overdue: true, nextVisitDue: "2026-04-30", daysOverdue: 0 },
      never: { overdue: false, nextVisitDue: "2026-04-30", daysOverdue: 0 },
    });
    t.clock.set("2026-05-01T21:00:00+08:00");
    await signIn();
    const f = await figures();
    expect(f).toEqual({
      late: { overdue: true, nextVisitDue: "2026-04-29", daysOverdue: 2 },
      due: { overdue: true, nextVisitDue: "2026-04-30", daysOverdue: 1 },
      never: { overdue: true, nextVisitDue: "2026-04-30", daysOverdue: 1 },
      prospect: { overdue: false, nextVisitDue: null, daysOverdue: 0 },
    });
    expect(await overdueList()).toEqual({ [ids.late]: 2, [ids.due]: 1, [ids.never]: 1 });
    // the overdue filter picks the same customers
    const overdue = await call(t.url, "GET", "/customers?overdue=true&limit=200", { token: c.rep1.token });
    expect((overdue.body.items as Json[]).map((r) => r.name).sort()).toEqual(["Due Co", "Late Co", "Never Co"]);
  });

  it("a visit moves the due date on and clears the days", async () => {
    await visit(ids.never, "2026-05-01T20:30:00+08:00");
    expect((await figures()).never).toEqual({ overdue: false, nextVisitDue: "2026-06-30", daysOverdue: 0 });
  });
});
