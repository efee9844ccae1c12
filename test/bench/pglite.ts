/**
 * The write figures on the embedded database: the server process on PGlite (no
 * DATABASE_URL, a temporary DATA_DIR), a small club seeded through the API, then the
 * same POST /revenue and POST /contacts loads. The baseline is the same single-row
 * INSERT on a PGlite of our own (PGlite is one process per data folder, so the
 * server's cannot be shared), with the same number of concurrent callers.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, sql } from "@clubhouse/db";
import { startCpuMeter } from "./cpu.ts";
import { directLoad, httpLoad, type LoadStats } from "./load.ts";
import { startServerProc } from "./procs.ts";

export interface PgliteStats {
  revenue: LoadStats | { notMeasured: string };
  revenueDirect: LoadStats;
  contacts: LoadStats | { notMeasured: string };
  contactsDirect: LoadStats;
  setupMs: number;
}

async function api(url: string, method: string, path: string, token: string | undefined, body?: unknown) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, body: json as Record<string, unknown> };
}

async function must(p: ReturnType<typeof api>, want: number, what: string) {
  const r = await p;
  if (r.status !== want) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
}

export async function pgliteWrites(o: {
  connections: number;
  durationS: number;
  warmupS: number;
  reps?: number;
  customersPerRep?: number;
  log?: (s: string) => void;
}): Promise<PgliteStats> {
  const log = o.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "clubhouse-bench-pglite-"));
  const t0 = performance.now();
  const server = await startServerProc({ DATA_DIR: join(dir, "server") });
  try {
    const slug = `bench-pglite-${Date.now().toString(36)}`;
    const signup = await must(
      api(server.url, "POST", "/signup", undefined, {
        club: { name: "Bench PGlite Club", slug },
        admin: { email: `admin@${slug}.test`, password: "correct horse battery", name: "Admin" },
      }),
      201,
      "signup",
    );
    const adminToken = signup.token as string;
    const writers: { token: string; customers: string[] }[] = [];
    for (let r = 0; r < (o.reps ?? 4); r++) {
      const email = `rep${r}@${slug}.test`;
      const rep = await must(
        api(server.url, "POST", "/users", adminToken, { email, name: `Rep ${r}`, role: "rep", password: "rep password 1" }),
        201,
        "add rep",
      );
      const login = await must(
        api(server.url, "POST", "/auth/login", undefined, { club: slug, email, password: "rep password 1" }),
        200,
        "login",
      );
      const token = login.token as string;
      const customers: string[] = [];
      for (let c = 0; c < (o.customersPerRep ?? 8); c++) {
        const cust = await must(
          // an active customer is a manager's (or a card sale's) doing: the admin adds it for the rep
          api(server.url, "POST", "/customers", adminToken, { name: `客户 ${r}-${c}`, kind: "group", status: "active", ownerId: rep.id }),
          201,
          "add customer",
        );
        customers.push(cust.id as string);
      }
      writers.push({ token, customers });
    }
    const setupMs = Math.round(performance.now() - t0);
    log(`  pglite: server up and club seeded through the API in ${setupMs} ms`);

    let i = 0;
    const nextWriter = () => {
      const w = writers[i % writers.length]!;
      const customerId = w.customers[Math.floor(i / writers.length) % w.customers.length]!;
      i++;
      return { w, customerId };
    };
    const revenueReq = () => {
      const { w, customerId } = nextWriter();
      return {
        method: "POST",
        path: "/api/v1/revenue",
        headers: { authorization: `Bearer ${w.token}`, "content-type": "application/json" },
        body: JSON.stringify({ customerId, amount: 128.5, businessLine: "catering", occurredAt: new Date().toISOString() }),
      };
    };
    const run = `${process.pid}-${Date.now().toString(36)}`;
    const contactReq = () => {
      const { w, customerId } = nextWriter();
      return {
        method: "POST",
        path: "/api/v1/contacts",
        headers: { authorization: `Bearer ${w.token}`, "content-type": "application/json", "idempotency-key": `bench-${run}-${i}` },
        body: JSON.stringify({ customerId, channel: i % 3 === 0 ? "phone" : "visit", outcome: "interested" }),
      };
    };
    const probe = async (spec: { method: string; path: string; headers: Record<string, string>; body: string }) => {
      const res = await fetch(`${server.url}${spec.path}`, { method: spec.method, headers: spec.headers, body: spec.body });
      const text = await res.text();
      return res.ok ? null : `the endpoint answered ${res.status} ${text.slice(0, 120)}`;
    };
    // CPU per request of the server process (PGlite runs in it), and per row of the bench process for the baseline (cpu.ts)
    const serverCpu = () => startCpuMeter(server.proc.pid ? { serverPid: server.proc.pid } : {});
    const load = { url: server.url, connections: o.connections, durationS: o.durationS, warmupS: o.warmupS, cpu: serverCpu };
    const revProbe = await probe(revenueReq());
    const revenue = revProbe ? { notMeasured: revProbe } : await httpLoad({ ...load, next: revenueReq });
    const conProbe = await probe(contactReq());
    const contacts = conProbe ? { notMeasured: conProbe } : await httpLoad({ ...load, next: contactReq });
    await server.stop();

    // The baseline: our own PGlite with the same schema, direct single-row INSERTs.
    const database = await createDb({ dataDir: join(dir, "direct") });
    try {
      await database.migrate();
      const tenantId = randomUUID();
      const repId = randomUUID();
      const customerId = randomUUID();
      const db = database.db;
      await db.execute(sql`insert into tenants (id, slug, name) values (${tenantId}, 'direct', 'Direct')`);
      await db.execute(sql`insert into club_settings (tenant_id) values (${tenantId})`);
      await db.execute(
        sql`insert into users (tenant_id, id, email, name, role, password_hash) values (${tenantId}, ${repId}, 'r@d', 'R', 'rep', 'x')`,
      );
      await db.execute(
        sql`insert into customers (tenant_id, id, name, kind, status, owner_id) values (${tenantId}, ${customerId}, 'C', 'group', 'active', ${repId})`,
      );
      const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
      const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const common = {
        connections: o.connections,
        durationS: o.durationS,
        warmupS: o.warmupS,
        maxOps: 1_000_000,
        cpu: () => startCpuMeter({ client: true }),
      };
      const revenueDirect = await directLoad({
        ...common,
        op: async () => {
          const now = new Date().toISOString();
          await db.execute(sql`insert into revenue_entries (tenant_id, id, customer_id, rep_id, amount_fen, business_line, occurred_at, month, source, created_by, created_at)
            values (${tenantId}, ${randomUUID()}, ${customerId}, ${repId}, 12850, 'catering', ${now}, ${month}, 'api', ${repId}, ${now})`);
        },
      });
      const contactsDirect = await directLoad({
        ...common,
        op: async () => {
          const now = new Date().toISOString();
          await db.execute(sql`insert into contacts (tenant_id, id, rep_id, customer_id, channel, in_person, target, outcome, occurred_at, day, month, created_at)
            values (${tenantId}, ${randomUUID()}, ${repId}, ${customerId}, 'visit', true, 'existing', 'interested', ${now}, ${day}, ${month}, ${now})`);
        },
      });
      return { revenue, revenueDirect, contacts, contactsDirect, setupMs };
    } finally {
      await database.close();
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
