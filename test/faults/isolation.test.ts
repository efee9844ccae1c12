import { complaints, customerChanges, withTenant } from "@clubhouse/db";
import { and, eq, inArray, or } from "drizzle-orm";
import fc from "fast-check";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes } from "../../server/src/app.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";
import { connect, eventually, liveClient, nothingWithin, Recorder } from "../support/live.ts";
import { makeTeamClub, type TeamClub } from "../support/teams.ts";

/**
 * Tenant isolation as a property: users of three clubs send random requests to
 * every route of the app (found from its routes), with path values, queries and
 * bodies drawn from ALL clubs' ids. No answer and no live event may ever carry
 * another club's id, name or marker — unless the request itself held it (an error
 * echoing what was asked is not a leak).
 */
const RUNS = Number(process.env.ISOLATION_RUNS ?? 400);

interface Secrets {
  club: Club;
  markers: Set<string>;
}

async function seedClub(url: string, slug: string): Promise<Secrets> {
  const club = await makeClub(url, slug);
  const markers = new Set<string>([club.tenantId, slug, `Club ${slug}`, club.admin.id, club.manager.id, club.rep1.id, club.rep2.id]);
  for (const [i, who] of [club.rep1, club.rep2].entries()) {
    const cu = await newCustomer(url, who.token, {
      name: `ZQX-${slug}-cust-${i}`,
      status: "active",
      personal: { hobbies: `ZQX-${slug}-hobby-${i}` },
    });
    markers.add(cu.id).add(cu.name).add(`ZQX-${slug}-hobby-${i}`);
    const e = await addRevenue(url, who.token, { customerId: cu.id, amount: 1234.5, occurredAt: "2026-03-10T10:00:00+08:00" });
    markers.add(e.id);
    const ct = await call(url, "POST", "/complaints", {
      token: who.token,
      body: { customerId: cu.id, channel: "phone", summary: `ZQX-${slug}-complaint-${i}` },
    });
    markers.add(ct.body.id).add(`ZQX-${slug}-complaint-${i}`);
    const contact = await call(url, "POST", "/contacts", {
      token: who.token,
      headers: { "idempotency-key": `seed-${slug}-${i}` },
      body: { customerId: cu.id, channel: "visit", notes: `ZQX-${slug}-note-${i}` },
    });
    if (contact.status === 201) markers.add(contact.body.id).add(`ZQX-${slug}-note-${i}`);
  }
  const card = await call(url, "POST", "/card-types", { token: club.manager.token, body: { name: `ZQX-${slug}-card`, listPrice: 100 } });
  markers.add(card.body.id).add(`ZQX-${slug}-card`);
  // an approved public promotion (第五条 1.2), open at the suite's clock, with a contact naming it
  const promo = await call(url, "POST", "/promotions", {
    token: club.rep1.token,
    body: {
      place: `ZQX-${slug}-promo`,
      startsAt: "2026-03-20T09:00:00+08:00",
      endsAt: "2026-03-20T21:00:00+08:00",
      cardTypeIds: [card.body.id],
      expectedContacts: 5,
    },
  });
  if (promo.status !== 201) throw new Error(`promotion: ${promo.status} ${JSON.stringify(promo.body)}`);
  markers.add(promo.body.id).add(`ZQX-${slug}-promo`);
  await call(url, "POST", `/promotions/${promo.body.id}/approve`, { token: club.manager.token });
  await call(url, "PUT", `/targets/${club.rep1.id}/2026-03`, { token: club.manager.token, body: { amount: 5000 } });
  return { club, markers };
}

function leaks(text: string, own: Secrets, all: Secrets[], request: string): string[] {
  const found: string[] = [];
  for (const s of all) {
    if (s === own) continue;
    for (const m of s.markers) if (text.includes(m) && !request.includes(m)) found.push(m);
  }
  return found;
}

for (const kind of ["postgres", "pglite"] as const) {
  describe(`tenant isolation on ${kind}`, () => {
    let t: TestServer;
    let clubs: Secrets[];
    let routes: { method: string; path: string }[];
    const recorders: { own: Secrets; userId: string; rec: Recorder }[] = [];

    beforeAll(async () => {
      t = await startTestServer({}, "2026-03-20T10:00:00+08:00", kind);
      clubs = [await seedClub(t.url, `iso-a-${kind}`), await seedClub(t.url, `iso-b-${kind}`), await seedClub(t.url, `iso-c-${kind}`)];
      const seen = new Set<string>();
      routes = apiRoutes(t.server.deps)
        .routes.filter((r) => r.method !== "ALL" && !r.path.endsWith("/logout"))
        .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
      for (const own of clubs) {
        for (const who of [own.club.manager, own.club.rep1]) {
          const socket = liveClient(t.url, { token: who.token });
          const rec = new Recorder(socket);
          socket.connect();
          recorders.push({ own, userId: who.id, rec });
        }
      }
    });
    afterAll(async () => {
      for (const { rec } of recorders) rec.socket.disconnect();
      await t?.close();
    });

    it("no answer and no event ever carries another club's data", async () => {
      const pool = clubs.flatMap((s) => [...s.markers].filter((m) => /^[0-9a-f-]{36}$/.test(m)));
      const actors = clubs.flatMap((s) =>
        [s.club.admin, s.club.manager, s.club.rep1, s.club.rep2].map((u) => ({ own: s, token: u.token })),
      );
      const id = fc.oneof(fc.constantFrom(...pool), fc.uuid());
      const body = fc.record(
        {
          customerId: id,
          repId: id,
          ownerId: id,
          referredById: id,
          cardTypeId: id,
          amount: fc.constantFrom(10, 99.5),
          businessLine: fc.constant("membership"),
          occurredAt: fc.constant("2026-03-19T10:00:00+08:00"),
          channel: fc.constantFrom("visit", "phone"),
          decision: fc.constantFrom("continue", "reassign", "drop"),
          reason: fc.constant("isolation test"),
          name: fc.constant("isolation"),
          status: fc.constantFrom("active", "prospect", "churned"),
        },
        { requiredKeys: [] },
      );
      const query = fc.dictionary(fc.constantFrom("customerId", "repId", "ownerId", "month", "period", "at", "limit"), id, { maxKeys: 3 });
      // the detector itself works: club B's customer list, seen as club A, is a leak
      const bList = await call(t.url, "GET", "/customers", { token: clubs[1]!.club.manager.token });
      expect(leaks(JSON.stringify(bList.body), clubs[0]!, clubs, "")).not.toEqual([]);
      let requests = 0;
      const leaked: string[] = [];
      await fc.assert(
        fc.asyncProperty(fc.nat(actors.length - 1), fc.nat(routes.length - 1), id, query, body, async (ai, ri, pv, q, b) => {
          const actor = actors[ai]!;
          const route = routes[ri]!;
          const path =
            route.path.replace(/:[A-Za-z]+/g, pv) + (Object.keys(q).length ? `?${new URLSearchParams(q as Record<string, string>)}` : "");
          const hasBody = route.method !== "GET";
          const res = await call(t.url, route.method, path, {
            token: actor.token,
            body: hasBody ? b : undefined,
            headers: { "idempotency-key": `iso-${requests}` },
          });
          requests++;
          const found = leaks(JSON.stringify(res.body), actor.own, clubs, path + JSON.stringify(b));
          if (found.length) leaked.push(`${route.method} ${path} as ${actor.own.club.slug} → ${res.status} leaked ${found.join(", ")}`);
          return true;
        }),
        { numRuns: RUNS },
      );
      await new Promise((r) => setTimeout(r, 500)); // let coalesced boards go out
      let events = 0;
      for (const { own, rec } of recorders) {
        for (const e of rec.events) {
          events++;
          const found = leaks(JSON.stringify(e.payload), own, clubs, "");
          if (found.length) leaked.push(`event ${e.event} to ${own.club.slug} leaked ${found.join(", ")}`);
        }
      }
      console.log(
        `isolation (${kind}): ${requests} requests over ${routes.length} routes, ${events} live events checked, ${leaked.length} leaks`,
      );
      expect(leaked).toEqual([]);
    });

    it("role changes, and reconnects presenting another club's pid/offset, never carry another club's data", async () => {
      // One recoverable socket per club (a manager's), dropped while its club goes on writing.
      const victims: { own: Secrets; sid: string; pid: string; offset: string }[] = [];
      for (const own of clubs) {
        const socket = liveClient(t.url, { token: own.club.manager.token, reconnection: false });
        const rec = new Recorder(socket);
        await connect(socket);
        await rec.next("board:snapshot");
        const held = socket as unknown as { id: string; _pid: string; _lastOffset: string };
        victims.push({ own, sid: held.id, pid: held._pid, offset: held._lastOffset });
        socket.io.engine.close();
      }
      await eventually(() => {
        if (victims.some((v) => t.server.live.io.of("/").sockets.has(v.sid))) throw new Error("the server still holds a dropped socket");
      });

      // Each club promotes its rep1 (whose socket is open) to manager, writes, and demotes them again.
      for (const own of clubs) {
        const { slug, admin, rep1, rep2 } = own.club;
        const promote = await call(t.url, "PATCH", `/users/${rep1.id}`, { token: admin.token, body: { role: "manager" } });
        expect(promote.status).toBe(200);
        const cu = await newCustomer(t.url, rep2.token, { name: `ZQX-${slug}-late`, status: "active" });
        const e = await addRevenue(t.url, rep2.token, { customerId: cu.id, amount: 77, occurredAt: "2026-03-19T10:00:00+08:00" });
        own.markers.add(cu.id).add(cu.name).add(e.id);
        // The promoted rep's socket hears another rep's revenue now: the role change reached it.
        const rep1Socket = recorders.find((r) => r.userId === rep1.id);
        await rep1Socket?.rec.next("revenue:recorded", (p) => p.id === e.id);
        expect((await call(t.url, "PATCH", `/users/${rep1.id}`, { token: admin.token, body: { role: "rep" } })).status).toBe(200);
      }

      // Every club's rep2 reconnects presenting every other club's dropped session.
      const leaked: string[] = [];
      let attempts = 0;
      for (const own of clubs) {
        for (const v of victims) {
          if (v.own === own) continue;
          const thief = io(t.url, {
            autoConnect: false,
            forceNew: true,
            transports: ["websocket"],
            reconnection: false,
            auth: { token: own.club.rep2.token, pid: v.pid, offset: v.offset },
          });
          const packets: unknown[] = [];
          thief.io.on("packet", (p) => packets.push(p));
          const rec = new Recorder(thief);
          await connect(thief);
          attempts++;
          await nothingWithin(rec, 200);
          const found = leaks(JSON.stringify(packets), own, clubs, "");
          if (found.length) leaked.push(`${own.club.slug} presenting ${v.own.club.slug}'s session received ${found.join(", ")}`);
          if (thief.recovered) leaked.push(`${own.club.slug} resumed ${v.own.club.slug}'s session`);
          thief.disconnect();
        }
      }
      await new Promise((r) => setTimeout(r, 500)); // let coalesced boards go out
      for (const { own, rec } of recorders) {
        for (const e of rec.events) {
          const found = leaks(JSON.stringify(e.payload), own, clubs, "");
          if (found.length) leaked.push(`event ${e.event} to ${own.club.slug} leaked ${found.join(", ")}`);
        }
      }
      console.log(`isolation (${kind}): ${attempts} reconnects with another club's pid/offset, ${leaked.length} leaks`);
      expect(leaked).toEqual([]);
    });
  });
}

/**
 * Team isolation as the same property inside one club: a team lead sends random
 * requests to every route, with path values, queries and bodies drawn from every
 * row of the club; no answer and no live event may carry a row (customer,
 * contact, revenue entry, complaint, alarm) of a rep outside the lead's team,
 * unless the request held it. (Reps' names and ids are not rows: the club-wide
 * leaderboard shows every member.)
 */
describe("team isolation", () => {
  let t: TestServer;
  let c: TeamClub;
  const outside = new Set<string>();
  const pool: string[] = [];

  beforeAll(async () => {
    t = await startTestServer({}, "2026-03-15T10:00:00+08:00", "postgres");
    c = await makeTeamClub(t, "iso-team");
    const others = new Set([c.rep3.id, c.rep4.id]);
    const m = c.manager.token;
    const rows = async (path: string) => ((await call(t.url, "GET", path, { token: m })).body.items ?? []) as Record<string, string>[];
    for (const cu of await rows("/customers?limit=200")) {
      pool.push(cu.id!);
      if (others.has(cu.ownerId!)) outside.add(cu.id!).add(cu.name!);
    }
    for (const x of await rows("/complaints?limit=200")) {
      pool.push(x.id!);
      if (others.has(x.ownerId!)) outside.add(x.id!).add(x.summary!);
    }
    for (const path of ["/contacts?limit=200", "/revenue?limit=200", "/alarms?limit=200", "/plans?limit=200&from=2026-03-01&to=2026-03-31"])
      for (const x of await rows(path)) {
        pool.push(x.id!);
        if (others.has(x.repId!)) outside.add(x.id!);
      }
    pool.push(c.rep1.id, c.rep2.id, c.rep3.id, c.rep4.id, c.leadB.id, c.manager.id, c.teamA.id, c.teamB.id);
  });
  afterAll(() => t?.close());

  it("a lead's answers and live events never carry another team's rows", async () => {
    expect(outside.size).toBeGreaterThan(12);
    const socket = liveClient(t.url, { token: c.leadA.token });
    const rec = new Recorder(socket);
    socket.connect();
    const seen = new Set<string>();
    const routes = apiRoutes(t.server.deps)
      .routes.filter((r) => r.method !== "ALL" && !r.path.endsWith("/logout"))
      .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
    const leak = (text: string, request: string) => [...outside].filter((m) => text.includes(m) && !request.includes(m));
    // the detector works: the manager's customer list, seen by the lead, would be a leak
    expect(leak(JSON.stringify((await call(t.url, "GET", "/customers", { token: c.manager.token })).body), "")).not.toEqual([]);
    const id = fc.oneof(fc.constantFrom(...pool), fc.uuid());
    const body = fc.record(
      {
        customerId: id,
        customerIds: fc.array(id, { minLength: 1, maxLength: 2 }),
        repId: id,
        ownerId: id,
        fromRepId: id,
        toRepId: id,
        amount: fc.constantFrom(10, 99.5),
        decision: fc.constantFrom("continue", "reassign", "drop"),
        reason: fc.constant("isolation test"),
        comment: fc.constant("isolation"),
        name: fc.constant("isolation"),
      },
      { requiredKeys: [] },
    );
    const query = fc.dictionary(fc.constantFrom("customerId", "repId", "ownerId", "month", "limit", "q"), id, { maxKeys: 3 });
    const leaked: string[] = [];
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(routes.length - 1), id, query, body, async (ri, pv, q, b) => {
        const route = routes[ri]!;
        const path =
          route.path.replace(/:[A-Za-z]+/g, pv) + (Object.keys(q).length ? `?${new URLSearchParams(q as Record<string, string>)}` : "");
        const res = await call(t.url, route.method, path, {
          token: c.leadA.token,
          body: route.method === "GET" ? undefined : b,
          headers: { "idempotency-key": `team-iso-${requests}` },
        });
        requests++;
        const found = leak(typeof res.body === "string" ? res.body : JSON.stringify(res.body), path + JSON.stringify(b));
        if (found.length) leaked.push(`${route.method} ${path} → ${res.status} leaked ${found.join(", ")}`);
        return true;
      }),
      { numRuns: Number(process.env.ISOLATION_RUNS ?? 400) },
    );
    // the other team goes on working while the lead listens
    const cu = await newCustomer(t.url, c.rep3.token, { name: "ZQX-team-b-late", status: "active" });
    const e = await addRevenue(t.url, c.rep3.token, { customerId: cu.id, amount: 88, occurredAt: "2026-03-15T09:00:00+08:00" });
    outside.add(cu.id).add(cu.name).add(e.id);
    await new Promise((r) => setTimeout(r, 800)); // let coalesced boards go out
    for (const ev of rec.events) {
      const found = leak(JSON.stringify(ev.payload), "");
      if (found.length) leaked.push(`event ${ev.event} leaked ${found.join(", ")}`);
    }
    socket.disconnect();
    console.log(
      `team isolation: ${requests} requests over ${routes.length} routes, ${rec.events.length} live events, ${leaked.length} leaks`,
    );
    expect(leaked).toEqual([]);
  });

  it("a lead never edits, reviews or resolves another team's customer or complaint: 404, and nothing changes", async () => {
    const m = c.manager.token;
    const others = new Set([c.rep3.id, c.rep4.id]);
    const theirCustomers = ((await call(t.url, "GET", "/customers?limit=200", { token: m })).body.items as Record<string, string>[]).filter(
      (x) => others.has(x.ownerId!),
    );
    const theirComplaints = (
      (await call(t.url, "GET", "/complaints?limit=200", { token: m })).body.items as Record<string, string>[]
    ).filter((x) => others.has(x.ownerId!));
    expect(theirCustomers.length).toBeGreaterThan(1);
    expect(theirComplaints.length).toBeGreaterThan(1);
    const wrong: string[] = [];
    const tryAs = async (method: string, path: string, body?: unknown) => {
      const res = await call(t.url, method, path, { token: c.leadA.token, body });
      if (res.status !== 404) wrong.push(`${method} ${path} → ${res.status}`);
    };
    for (const cu of theirCustomers) {
      await tryAs("PATCH", `/customers/${cu.id}`, { name: "taken over" });
      await tryAs("PATCH", `/customers/${cu.id}`, { ownerId: c.rep1.id });
      await tryAs("POST", `/customers/${cu.id}/refresh`, {});
      await tryAs("POST", "/complaints", { customerId: cu.id, channel: "phone", summary: "not mine" });
    }
    for (const x of theirComplaints) await tryAs("POST", `/complaints/${x.id}/resolve`, { resolution: "not mine" });
    expect(wrong).toEqual([]);
    // the records say the same: no change, review or answer of theirs by the lead, ever (the random requests above included)
    const byLead = await withTenant(t.server.deps.database, c.tenantId, async (tx) => ({
      changes: await tx
        .select({ id: customerChanges.id })
        .from(customerChanges)
        .where(
          and(
            eq(customerChanges.actorId, c.leadA.id),
            inArray(
              customerChanges.customerId,
              theirCustomers.map((x) => x.id!),
            ),
          ),
        ),
      complaints: await tx
        .select({ id: complaints.id })
        .from(complaints)
        .where(
          and(
            inArray(
              complaints.customerId,
              theirCustomers.map((x) => x.id!),
            ),
            or(eq(complaints.resolvedBy, c.leadA.id), eq(complaints.openedBy, c.leadA.id)),
          ),
        ),
    }));
    expect(byLead).toEqual({ changes: [], complaints: [] });
  });
});
