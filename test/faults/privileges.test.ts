import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLOOR_ROLES, type Floor } from "../../server/src/access/actor.ts";
import { LEAD_ROUTES } from "../../server/src/access/lead-routes.ts";
import { apiRoutes } from "../../server/src/app.ts";
import { type Club, makeClub } from "../support/club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";
import { addPerson, members, teamOf } from "../support/teams.ts";

/**
 * Who may call what: every route of the app (read from its routes) must appear
 * here, so a new route cannot be added without deciding its role, and every
 * route above a rep's role refuses a rep (and, for admin routes, a manager) with
 * 403 whatever the body or path holds. Object-level rules (a rep's own customers)
 * are tested per module; this is the role floor.
 */
const ROUTES: Record<string, Floor> = {
  "POST /signup": "public",
  "POST /auth/login": "public",
  "POST /auth/logout": "rep",
  "GET /me": "rep",
  "POST /users": "manager",
  "GET /users": "rep",
  "GET /users/:id": "rep",
  "PATCH /users/:id": "manager",
  "GET /teams/mine": "lead",
  "GET /teams": "manager",
  "POST /teams": "manager",
  "GET /teams/:id/members": "manager",
  "PATCH /teams/:id": "manager",
  "PUT /teams/:id/members": "manager",
  "DELETE /teams/:id": "manager",
  "GET /settings": "rep",
  "PATCH /settings": "admin",
  "GET /notify/channels": "manager",
  "POST /notify/channels": "manager",
  "PATCH /notify/channels/:id": "manager",
  "DELETE /notify/channels/:id": "manager",
  "POST /notify/channels/:id/test": "manager",
  "GET /notify/channels/:id/deliveries": "manager",
  "POST /customers/import": "rep",
  "GET /customers/import/template.csv": "rep",
  "POST /customers/reassign": "manager",
  "POST /reps/:id/handover": "manager",
  "GET /customers/export.csv": "rep",
  "POST /customers": "rep",
  "GET /customers": "rep",
  "GET /customers/:id": "rep",
  "PATCH /customers/:id": "rep",
  "POST /customers/:id/refresh": "rep",
  "PUT /customers/:id/pin": "manager",
  "DELETE /customers/:id/pin": "manager",
  "GET /customers/:id/history": "rep",
  "GET /customers/:id/referrals": "rep",
  "GET /customers/:id/tiers": "rep",
  "POST /complaints": "rep",
  "GET /complaints": "rep",
  "POST /complaints/:id/resolve": "rep",
  "POST /revenue": "rep",
  "GET /revenue": "rep",
  "POST /revenue/import": "rep",
  "GET /revenue/import/template.csv": "rep",
  "POST /revenue/:id/reverse": "rep",
  "POST /card-types": "manager",
  "GET /card-types": "rep",
  "PATCH /card-types/:id": "manager",
  "POST /card-sales": "rep",
  "GET /card-sales": "rep",
  "GET /analysis/tiers": "manager",
  "GET /analysis/tiers/pareto": "manager",
  "GET /analysis/tiers.csv": "manager",
  "GET /analysis/share": "manager",
  "GET /analysis/mix": "rep",
  "GET /alarms": "rep",
  "POST /alarms/:id/acknowledge": "manager",
  "GET /alarms/counts": "manager",
  "POST /alarms/acknowledge": "manager",
  "POST /contacts": "rep",
  "GET /contacts": "rep",
  "GET /contacts/:id": "rep",
  "POST /contacts/:id/void": "rep",
  "POST /contacts/:id/accept": "manager",
  "GET /reps/overdue": "rep",
  "GET /reps/:id/ratio": "rep",
  "GET /reps/:id/overdue": "rep",
  "GET /prospects/review": "manager",
  "GET /prospects/reviews": "manager",
  "POST /prospects/:id/review": "manager",
  "POST /plans": "rep",
  "GET /plans": "rep",
  "GET /plans/adherence": "rep",
  "DELETE /plans/:id": "rep",
  "POST /promotions": "rep",
  "GET /promotions": "rep",
  "GET /promotions/:id": "rep",
  "POST /promotions/:id/approve": "manager",
  "POST /promotions/:id/refuse": "manager",
  "POST /promotions/:id/cancel": "rep",
  "GET /diary": "manager",
  "GET /diary/:date": "rep",
  "PUT /diary/:date": "rep",
  "POST /diary/:date/submit": "rep",
  "POST /diary/:date/comment": "manager",
  "GET /refresh/progress": "rep",
  "GET /refresh/stale": "rep",
  "PUT /targets/:repId/:month": "manager",
  "PUT /targets/team/:teamId/:month": "manager",
  "GET /targets": "rep",
  "GET /quota": "rep",
  "GET /quota/year": "rep",
  "POST /months/:month/close": "manager",
  "GET /months/:month/results": "rep",
  "GET /reps/:id/standing": "rep",
  "GET /leaderboard": "rep",
  "GET /leaderboard/teams": "rep",
  "GET /awards/:year": "rep",
  "GET /awards/:year/certificate/:repId": "rep",
  "POST /live/sync": "manager",
};

/**
 * A team lead's writes, decided here as well as in LEAD_ROUTES: each acts on their
 * team's rows only (tested per module, and test/api/lead-powers.test.ts). A write
 * added to LEAD_ROUTES without being named here fails, and the other way round.
 */
const LEAD_WRITES = [
  "POST /auth/logout",
  "PATCH /customers/:id",
  "POST /customers/:id/refresh",
  "POST /customers/reassign",
  "POST /reps/:id/handover",
  "POST /complaints",
  "POST /complaints/:id/resolve",
  "POST /alarms/:id/acknowledge",
  "POST /alarms/acknowledge",
  "POST /prospects/:id/review",
  "POST /diary/:date/comment",
  "PUT /targets/:repId/:month",
  "PUT /targets/team/:teamId/:month",
];

let t: TestServer;
let c: Club;
let routes: string[];
let lead: { id: string; token: string };
beforeAll(async () => {
  t = await startTestServer();
  c = await makeClub(t.url, "privileges");
  lead = await addPerson(t.url, c.manager.token, "privileges", "lead", "lead");
  const team = await teamOf(t.url, c.manager.token, { name: "Team", leadId: lead.id });
  await members(t.url, c.manager.token, team.id, { add: [c.rep1.id] });
  routes = [
    ...new Set(
      apiRoutes(t.server.deps)
        .routes.filter((r) => r.method !== "ALL")
        .map((r) => `${r.method} ${r.path}`),
    ),
  ];
});
afterAll(() => t?.close());

const sample: Record<string, string> = { month: "2026-02", date: "2026-03-10", year: "2025" };
function concrete(route: string, c: Club) {
  const [method, path] = route.split(" ") as [string, string];
  return {
    method,
    path: path.replace(/:([A-Za-z]+)/g, (_, name: string) => sample[name] ?? (name === "repId" ? c.rep1.id : crypto.randomUUID())),
  };
}

describe("the role floor of every route", () => {
  it("every route of the app has a decided role, and no decided role names a route that is gone", () => {
    expect(routes.filter((r) => !(r in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it("the access module's floors keep each role below its floor out", () => {
    expect(FLOOR_ROLES.manager).not.toContain("rep");
    expect(FLOOR_ROLES.admin).toEqual(["admin"]);
    expect(FLOOR_ROLES.lead).toEqual(["lead"]);
  });

  it("a rep gets 403 from every manager and admin route, a manager from every admin route, anyone but a lead from a lead's", async () => {
    const wrong: string[] = [];
    for (const [route, floor] of Object.entries(ROUTES)) {
      const { method, path } = concrete(route, c);
      // Everyone of the club (a lead apart: the next test) whom the access module's gate refuses for this floor.
      const callers = (
        [
          ["rep", c.rep1.token],
          ["manager", c.manager.token],
          ["admin", c.admin.token],
        ] as const
      ).filter(([role]) => !FLOOR_ROLES[floor].includes(role));
      for (const [who, token] of callers) {
        for (const body of [{}, { amount: 100, decision: "drop", comment: "x", customerId: crypto.randomUUID() }]) {
          const res = await call(t.url, method, path, { token, body: method === "GET" || method === "DELETE" ? undefined : body });
          if (res.status !== 403) wrong.push(`${route} as ${who} → ${res.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("a team lead gets 403 from every route that does not scope to a team, whatever the body (safe by default)", async () => {
    expect([...LEAD_ROUTES].filter((r) => !routes.includes(r))).toEqual([]);
    const wrong: string[] = [];
    for (const [route, floor] of Object.entries(ROUTES)) {
      if (floor === "public" || LEAD_ROUTES.has(route)) continue;
      const { method, path } = concrete(route, c);
      for (const body of [{}, { amount: 100, decision: "drop", comment: "x", customerId: crypto.randomUUID() }]) {
        const res = await call(t.url, method, path, {
          token: lead.token,
          body: method === "GET" || method === "DELETE" ? undefined : body,
        });
        if (res.status !== 403) wrong.push(`${route} as lead → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("a lead's writes are exactly the ones decided", () => {
    expect([...LEAD_ROUTES].filter((r) => !r.startsWith("GET ")).sort()).toEqual([...LEAD_WRITES].sort());
  });

  it("every team-scoped route admits a lead past the role gate (no 403)", async () => {
    const wrong: string[] = [];
    for (const route of LEAD_ROUTES) {
      if (route === "POST /auth/logout") continue; // would end the lead's session
      const { method, path } = concrete(route, c);
      const res = await call(t.url, method, path, { token: lead.token, body: method === "GET" ? undefined : {} });
      if (res.status === 403 || res.status >= 500) wrong.push(`${route} as lead → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("every route but the public ones refuses a caller without a session (401)", async () => {
    const wrong: string[] = [];
    for (const [route, floor] of Object.entries(ROUTES)) {
      if (floor === "public") continue;
      const { method, path } = concrete(route, c);
      const res = await call(t.url, method, path, { body: method === "GET" || method === "DELETE" ? undefined : {} });
      if (res.status !== 401) wrong.push(`${route} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});
