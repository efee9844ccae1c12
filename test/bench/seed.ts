/**
 * The bench's data: many clubs, one big one, a year of revenue and contacts.
 *
 * Facts (clubs, users, customers, the revenue ledger, contacts) are generated here
 * with a seeded PRNG and streamed in with COPY; the maintained tables (monthly
 * totals, per-day contact counts, last in-person contact) are then filled from the
 * loaded facts with INSERT … SELECT … GROUP BY, so they agree with the ledger by
 * construction. Sessions are inserted directly for the users the bench drives.
 */
import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { createDb } from "@clubhouse/db";
import postgres from "postgres";
import { withDatabase } from "./db-url.ts";

export interface SeedOptions {
  /** Superuser URL of any database on the server (the bench database is dropped and created next to it). */
  adminUrl: string;
  dbName: string;
  scale: number;
  /** Fraction of the ledger (revenue entries and contacts) to load, 0–1: clubs, reps and customers stay the same. */
  ledger?: number;
  /** PRNG seed: the same seed and scale give the same shape (ids are random). */
  seed?: number;
  /**
   * At least this many clubs: beyond the ones the scale plans, small clubs are added (2 reps,
   * 12 customers, 24 revenue entries and contacts each), which is what boards spread over
   * many clubs need, cheaply. The planned clubs stay as they would be without them.
   */
  clubs?: number;
  /** How many manager sessions to open per club (live boards); the big club gets at least this many. */
  boardSessionsPerClub?: number;
  /** How many reps per club get a session and a list of their customers (writers). */
  writersPerClub?: number;
  /** How many reps of the big club get a session (the write benchmark's writers). */
  bigWriters?: number;
  log?: (line: string) => void;
  now?: Date;
}

export interface Writer {
  repId: string;
  token: string;
  /** Active customers this rep owns (revenue, existing contacts). */
  active: string[];
  /** Prospects this rep owns (prospect contacts). */
  prospects: string[];
}

export interface SeededClub {
  tenantId: string;
  slug: string;
  reps: number;
  customers: number;
  managerToken: string;
  boardTokens: string[];
  writers: Writer[];
}

export interface SeedResult {
  url: string;
  scale: number;
  ledger: number;
  loadMs: number;
  phases: Record<string, number>;
  counts: Record<string, number>;
  /** The club month of `now` and the last complete one (Asia/Shanghai). */
  month: string;
  lastMonth: string;
  big: SeededClub;
  clubs: SeededClub[];
  /** A name fragment that several big-club customers share, for `q` searches. */
  commonQ: string;
  rareQ: string;
}

// ---------------------------------------------------------------- randomness

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  readonly next: () => number;
  #spare: number | undefined;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number) {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  normal() {
    if (this.#spare !== undefined) {
      const s = this.#spare;
      this.#spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  logNormal(median: number, sigma: number) {
    return median * Math.exp(sigma * this.normal());
  }
  /** One of `choices` with probability proportional to its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let x = this.next() * total;
    for (const [v, w] of choices) {
      x -= w;
      if (x < 0) return v;
    }
    return choices[choices.length - 1]![0];
  }
}

/** Sample an index by cumulative weights (binary search). */
function sampler(weights: Float64Array) {
  const cum = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i]!;
    cum[i] = s;
  }
  return (r: number) => {
    const x = r * s;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

// ---------------------------------------------------------------- club time (Asia/Shanghai, no DST)

const TZ_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const clubDay = (ms: number) => new Date(ms + TZ_MS).toISOString().slice(0, 10);
const clubMonth = (ms: number) => new Date(ms + TZ_MS).toISOString().slice(0, 7);
/** Midnight (club time) of the first day of the club month `back` months before `ms`'s month, as an instant. */
function monthStart(ms: number, back: number) {
  const d = new Date(ms + TZ_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1) - TZ_MS;
}
/** Midnight (club time) of the club day holding `ms`. */
const dayStart = (ms: number) => Math.floor((ms + TZ_MS) / DAY_MS) * DAY_MS - TZ_MS;

// ---------------------------------------------------------------- names

const CITIES = ["上海", "北京", "深圳", "杭州", "广州", "苏州", "南京", "成都", "武汉", "宁波", "无锡", "厦门"];
const WORDS = [
  "华信",
  "东方",
  "金盛",
  "宏达",
  "远洋",
  "新世纪",
  "锦江",
  "中天",
  "恒通",
  "瑞丰",
  "鼎盛",
  "永安",
  "银河",
  "天成",
  "汇丰源",
  "百联",
];
const TRADES = ["科技", "贸易", "实业", "投资", "地产", "物流", "医药", "传媒", "建设", "电子", "食品", "能源"];
const FORMS = ["有限公司", "股份有限公司", "集团", "有限责任公司"];
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "慧"];
const LINES: readonly (readonly [string, number])[] = [
  ["membership", 0.12],
  ["catering", 0.34],
  ["spa", 0.15],
  ["rooms", 0.17],
  ["golf", 0.1],
  ["fitness", 0.12],
];
const CHANNELS: readonly (readonly ["visit" | "demo" | "phone" | "letter", number])[] = [
  ["visit", 0.36],
  ["demo", 0.09],
  ["phone", 0.45],
  ["letter", 0.1],
];
const OUTCOMES: readonly (readonly [string, number])[] = [
  ["none", 0.55],
  ["interested", 0.25],
  ["signed", 0.05],
  ["declined", 0.15],
];

function groupName(r: Rng, n: number) {
  return `${r.pick(CITIES)}${r.pick(WORDS)}${r.pick(TRADES)}${r.pick(FORMS)}${n % 7 === 0 ? `（${(n % 97) + 1}分部）` : ""}`;
}
function personName(r: Rng) {
  return `${r.pick(SURNAMES)}${r.pick(GIVEN)}${r.next() < 0.5 ? r.pick(GIVEN) : ""}`;
}

// ---------------------------------------------------------------- COPY helpers

/** COPY text format: tab separated, \N for null; escape backslash, tab and newlines. */
function field(v: string | number | boolean | null): string {
  if (v === null) return "\\N";
  if (typeof v !== "string") return String(v);
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : v;
}

class CopyWriter {
  #buf: string[] = [];
  #size = 0;
  rows = 0;
  constructor(readonly stream: Writable) {}
  async row(values: (string | number | boolean | null)[]) {
    const line = `${values.map(field).join("\t")}\n`;
    this.#buf.push(line);
    this.#size += line.length;
    this.rows++;
    if (this.#size > 1 << 20) await this.flush();
  }
  async flush() {
    if (this.#buf.length === 0) return;
    const chunk = this.#buf.join("");
    this.#buf = [];
    this.#size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }
  async end() {
    await this.flush();
    const done = Promise.race([once(this.stream, "finish"), once(this.stream, "close")]);
    this.stream.end();
    await done;
  }
}

async function copyInto(sql: postgres.Sql, table: string, columns: string[]): Promise<CopyWriter> {
  const stream = await sql.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`).writable();
  return new CopyWriter(stream);
}

// ---------------------------------------------------------------- the plan

interface ClubPlan {
  idx: number;
  tenantId: string;
  slug: string;
  reps: number;
  customers: number;
  revenue: number;
  contacts: number;
  managers: number;
}

function planClubs(scale: number, ledger: number, rng: Rng, minClubs?: number): ClubPlan[] {
  const nClubs = Math.max(2, Math.round(100 * scale));
  const bigReps = Math.max(3, Math.round(500 * scale));
  const bigCustomers = Math.max(30, Math.round(50_000 * scale));
  const totalReps = Math.max(bigReps + 2 * (nClubs - 1), Math.round(2000 * scale));
  const totalCustomers = Math.max(bigCustomers + 10 * (nClubs - 1), Math.round(200_000 * scale));
  const totalRevenue = Math.max(200, Math.round(2_000_000 * scale * ledger));
  const totalContacts = Math.max(200, Math.round(2_000_000 * scale * ledger));
  // The other clubs vary in size (log-normal weights), each with at least 2 reps.
  const weights = Array.from({ length: nClubs - 1 }, () => rng.logNormal(1, 0.5));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const restReps = totalReps - bigReps;
  const restCustomers = totalCustomers - bigCustomers;
  const plans: ClubPlan[] = [
    {
      idx: 0,
      tenantId: randomUUID(),
      slug: "bench-big",
      reps: bigReps,
      customers: bigCustomers,
      revenue: 0,
      contacts: 0,
      managers: 4,
    },
  ];
  let repsLeft = restReps;
  let customersLeft = restCustomers;
  weights.forEach((w, i) => {
    const last = i === weights.length - 1;
    const reps = last ? repsLeft : Math.max(2, Math.min(repsLeft - 2 * (weights.length - 1 - i), Math.round((restReps * w) / wsum)));
    const customers = last
      ? customersLeft
      : Math.max(10, Math.min(customersLeft - 10 * (weights.length - 1 - i), Math.round((restCustomers * w) / wsum)));
    repsLeft -= reps;
    customersLeft -= customers;
    plans.push({ idx: i + 1, tenantId: randomUUID(), slug: `bench-${i + 1}`, reps, customers, revenue: 0, contacts: 0, managers: 2 });
  });
  // Revenue and contacts in proportion to each club's customers (the small clubs added below keep their own).
  let revLeft = totalRevenue;
  let conLeft = totalContacts;
  plans.forEach((p, i) => {
    const last = i === plans.length - 1;
    p.revenue = last ? revLeft : Math.round((totalRevenue * p.customers) / totalCustomers);
    p.contacts = last ? conLeft : Math.round((totalContacts * p.customers) / totalCustomers);
    revLeft -= p.revenue;
    conLeft -= p.contacts;
  });
  for (let i = plans.length; i < (minClubs ?? 0); i++) {
    const facts = Math.max(1, Math.round(24 * ledger));
    plans.push({
      idx: i,
      tenantId: randomUUID(),
      slug: `bench-${i}`,
      reps: 2,
      customers: 12,
      revenue: facts,
      contacts: facts,
      managers: 2,
    });
  }
  return plans;
}

type Status = "prospect" | "active" | "churned" | "dropped";
interface CustomerGen {
  id: string;
  owner: number;
  status: Status;
  createdAt: number;
  activeSince: number | null;
  churnedAt: number | null;
  /** revenue weight and scale of one entry (yuan) */
  spendWeight: number;
  ticket: number;
  contactWeight: number;
}

const B32 = "abcdefghijklmnopqrstuvwxyz234567";
function base32(n: number) {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  let s = "";
  for (const b of bytes) s += B32[b & 31];
  return s;
}

/** A session row and its bearer token, in the server's format `<tenantId>.<id>.<secret>`. */
export function makeSession(tenantId: string, userId: string, now: Date) {
  const id = base32(24);
  const secret = base32(32);
  const secretHash = createHash("sha256").update(secret).digest("hex");
  return {
    row: { tenant_id: tenantId, id, user_id: userId, secret_hash: secretHash, created_at: now, last_seen_at: now },
    token: `${tenantId}.${id}.${secret}`,
  };
}

// ---------------------------------------------------------------- seed

export async function seed(opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => {});
  const rng = new Rng(opts.seed ?? 20250601);
  const nowDate = opts.now ?? new Date();
  const now = nowDate.getTime();
  const phases: Record<string, number> = {};
  const t0 = performance.now();
  let tPhase = t0;
  const phase = (name: string) => {
    const t = performance.now();
    phases[name] = Math.round(t - tPhase);
    tPhase = t;
    log(`  seed: ${name} ${((t - t0) / 1000).toFixed(1)} s`);
  };

  // Fresh database, migrated by the app's own migrator.
  const admin = postgres(opts.adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${opts.dbName} with (force)`);
  await admin.unsafe(`create database ${opts.dbName}`);
  await admin.end();
  const url = withDatabase(opts.adminUrl, opts.dbName);
  const database = await createDb({ databaseUrl: url, poolSize: 1 });
  await database.migrate();
  await database.close();
  phase("create+migrate");

  // session_replication_role = replica: FK triggers do not fire during the load (every key is generated here).
  const sql = postgres(url, {
    max: 4,
    onnotice: () => {},
    connection: { application_name: "clubhouse-bench-seed", session_replication_role: "replica" },
  });
  try {
    // Secondary indexes are dropped for the load and built once at the end (much faster
    // than maintaining them row by row); FK triggers are off for the load (the data is
    // consistent by construction: every key is generated here).
    const bulkTables = [
      "customers",
      "revenue_entries",
      "contacts",
      "customer_month_totals",
      "rep_day_contacts",
      "rep_month_contacts",
      "customer_status_history",
    ];
    const indexes = await sql<{ name: string; def: string }[]>`
      select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = 'public' and i.tablename = any(${bulkTables})
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
    for (const ix of indexes) await sql.unsafe(`drop index ${ix.name}`);

    const plans = planClubs(opts.scale, opts.ledger ?? 1, rng, opts.clubs);
    const windowStart = monthStart(now, 11);
    const month = clubMonth(now);
    const lastMonth = clubMonth(monthStart(now, 1));

    // Clubs and settings.
    const createdClub = iso(monthStart(now, 36));
    await sql`insert into tenants ${sql(plans.map((p) => ({ id: p.tenantId, slug: p.slug, name: p.idx === 0 ? "Bench Grand Club" : `Bench Club ${p.idx}`, timezone: "Asia/Shanghai", created_at: createdClub })))}`;
    await sql`insert into club_settings ${sql(plans.map((p) => ({ tenant_id: p.tenantId })))}`;

    // Users: an admin, managers, reps.
    const usersCopy = await copyInto(sql, "users", ["tenant_id", "id", "email", "name", "role", "password_hash", "created_at"]);
    const repIds = new Map<string, string[]>();
    const managerIds = new Map<string, string[]>();
    const pw = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hiZW5jaGJlbmNo$bench-seeded-user-cannot-log-in";
    for (const p of plans) {
      const reps: string[] = [];
      const managers: string[] = [];
      await usersCopy.row([p.tenantId, randomUUID(), `admin@${p.slug}.bench`, "Admin", "admin", pw, createdClub]);
      for (let i = 0; i < p.managers; i++) {
        const id = randomUUID();
        managers.push(id);
        await usersCopy.row([p.tenantId, id, `manager${i + 1}@${p.slug}.bench`, `经理${i + 1}`, "manager", pw, createdClub]);
      }
      for (let i = 0; i < p.reps; i++) {
        const id = randomUUID();
        reps.push(id);
        await usersCopy.row([p.tenantId, id, `rep${i + 1}@${p.slug}.bench`, `${personName(rng)}${i + 1}`, "rep", pw, createdClub]);
      }
      repIds.set(p.tenantId, reps);
      managerIds.set(p.tenantId, managers);
    }
    await usersCopy.end();
    phase("clubs+users");

    // Customers.
    const custCols = [
      "tenant_id",
      "id",
      "name",
      "kind",
      "status",
      "owner_id",
      "referred_by_id",
      "expected_monthly_spend_fen",
      "profile",
      "customer_since",
      "active_since",
      "review_count_from",
      "last_refreshed_at",
      "created_at",
      "updated_at",
    ];
    const custCopy = await copyInto(sql, "customers", custCols);
    const customersOf = new Map<string, CustomerGen[]>();
    const quarterStart = monthStart(now, new Date(now + TZ_MS).getUTCMonth() % 3);
    let nameSeq = 0;
    for (const p of plans) {
      const reps = repIds.get(p.tenantId)!;
      const list: CustomerGen[] = [];
      for (let i = 0; i < p.customers; i++) {
        const status = rng.weighted<Status>([
          ["active", 0.62],
          ["prospect", 0.25],
          ["churned", 0.09],
          ["dropped", 0.04],
        ]);
        const kind = rng.next() < 0.35 ? "group" : "individual";
        const createdAt = now - 30 * DAY_MS - rng.int(3 * 365) * DAY_MS;
        let activeSince: number | null = null;
        let churnedAt: number | null = null;
        if (status === "active" || status === "churned") {
          activeSince = Math.min(now - 3 * DAY_MS, createdAt + rng.int(120) * DAY_MS);
          if (status === "churned") churnedAt = Math.max(activeSince + DAY_MS, now - rng.int(330) * DAY_MS - DAY_MS);
        }
        const c: CustomerGen = {
          id: randomUUID(),
          owner: rng.int(reps.length),
          status,
          createdAt,
          activeSince,
          churnedAt,
          // Pareto-like spend: a few customers carry much of the club's revenue (A tier).
          spendWeight: status === "active" || status === "churned" ? rng.logNormal(1, 1.15) * (kind === "group" ? 1.6 : 1) : 0,
          ticket: rng.logNormal(kind === "group" ? 2600 : 1500, 0.45),
          contactWeight: status === "active" ? 1 : status === "prospect" ? 1.3 : status === "churned" ? 0.5 : 0.2,
        };
        list.push(c);
        const referrer = i > 10 && rng.next() < 0.06 ? list[rng.int(i)]!.id : null;
        const refreshed =
          rng.next() < 0.7
            ? quarterStart + rng.int(Math.max(1, Math.floor((now - quarterStart) / HOUR_MS))) * HOUR_MS
            : quarterStart - (1 + rng.int(200)) * DAY_MS;
        const profile =
          kind === "group"
            ? `{"phone":"021-${String(10_000_000 + rng.int(89_999_999))}"}`
            : `{"phone":"13${String(100_000_000 + rng.int(899_999_999))}"}`;
        await custCopy.row([
          p.tenantId,
          c.id,
          kind === "group" ? groupName(rng, nameSeq++) : personName(rng),
          kind,
          status,
          reps[c.owner]!,
          referrer,
          kind === "group" && rng.next() < 0.5 ? Math.round(rng.logNormal(8000, 0.6)) * 100 : null,
          profile,
          activeSince === null ? null : clubDay(activeSince),
          activeSince === null ? null : iso(activeSince),
          iso(status === "prospect" ? createdAt + rng.int(25) * DAY_MS : createdAt),
          iso(Math.min(refreshed, now - 60_000)),
          iso(createdAt),
          iso(churnedAt ?? Math.max(createdAt, activeSince ?? createdAt)),
        ]);
      }
      customersOf.set(p.tenantId, list);
    }
    await custCopy.end();
    phase("customers");

    // The revenue ledger: one year, business hours, a few reversals.
    const revCols = [
      "tenant_id",
      "id",
      "customer_id",
      "rep_id",
      "amount_fen",
      "business_line",
      "occurred_at",
      "month",
      "reverses_id",
      "reason",
      "source",
      "created_by",
      "created_at",
    ];
    const revCopy = await copyInto(sql, "revenue_entries", revCols);
    for (const p of plans) {
      const reps = repIds.get(p.tenantId)!;
      const list = customersOf.get(p.tenantId)!;
      const spans = list.map((c) => {
        if (c.activeSince === null) return [0, 0] as const;
        const from = Math.max(windowStart, c.activeSince);
        const to = Math.min(now - 60_000, c.churnedAt ?? now);
        return [from, Math.max(from, to)] as const;
      });
      const pickCustomer = sampler(Float64Array.from(list.map((c, i) => c.spendWeight * ((spans[i]![1] - spans[i]![0]) / (365 * DAY_MS)))));
      let written = 0;
      while (written < p.revenue) {
        const ci = pickCustomer(rng.next());
        const c = list[ci]!;
        const [from, to] = spans[ci]!;
        const day = dayStart(from + rng.next() * (to - from));
        const at = Math.min(to, Math.max(from, day + (10 + rng.next() * 12) * HOUR_MS));
        const line = rng.weighted(LINES);
        const yuan = c.ticket * rng.logNormal(1, 0.55) * (line === "membership" ? 3 : 1);
        const fen = rng.next() < 0.3 ? Math.round(yuan) * 100 : Math.max(1, Math.round(yuan * 100));
        const id = randomUUID();
        const rep = reps[c.owner]!;
        const source = rng.next() < 0.2 ? "import" : "api";
        const created = iso(at + rng.int(3600) * 1000);
        await revCopy.row([p.tenantId, id, c.id, rep, fen, line, iso(at), clubMonth(at), null, null, source, rep, created]);
        written++;
        if (written < p.revenue && rng.next() < 0.002) {
          await revCopy.row([
            p.tenantId,
            randomUUID(),
            c.id,
            rep,
            -fen,
            line,
            iso(at),
            clubMonth(at),
            id,
            "录入错误，冲正",
            "reversal",
            rep,
            created,
          ]);
          written++;
        }
      }
    }
    await revCopy.end();
    phase("revenue");

    // Contacts: in-person / phone / letter mix, classed existing or prospect as the service would.
    const conCols = [
      "tenant_id",
      "id",
      "rep_id",
      "customer_id",
      "channel",
      "in_person",
      "target",
      "outcome",
      "notes",
      "occurred_at",
      "day",
      "month",
      "created_at",
    ];
    const conCopy = await copyInto(sql, "contacts", conCols);
    for (const p of plans) {
      const reps = repIds.get(p.tenantId)!;
      const list = customersOf.get(p.tenantId)!;
      const pickCustomer = sampler(Float64Array.from(list.map((c) => c.contactWeight)));
      for (let n = 0; n < p.contacts; n++) {
        const c = list[pickCustomer(rng.next())]!;
        const from = Math.max(windowStart, c.createdAt);
        const to = Math.max(from, Math.min(now - 60_000, c.status === "churned" ? (c.churnedAt ?? now) + 60 * DAY_MS : now));
        const day = dayStart(from + rng.next() * (to - from));
        const at = Math.min(now - 60_000, Math.max(from, day + (9 + rng.next() * 10) * HOUR_MS));
        const channel = rng.weighted(CHANNELS);
        const existing = c.activeSince !== null && at >= c.activeSince && (c.churnedAt === null || at < c.churnedAt);
        await conCopy.row([
          p.tenantId,
          randomUUID(),
          reps[c.owner]!,
          c.id,
          channel,
          channel === "visit" || channel === "demo",
          existing ? "existing" : "prospect",
          rng.weighted(OUTCOMES),
          rng.next() < 0.3 ? "客户对新卡种有兴趣，约下周再谈" : null,
          iso(at),
          clubDay(at),
          clubMonth(at),
          iso(at + rng.int(600) * 1000),
        ]);
      }
    }
    await conCopy.end();
    phase("contacts");

    // Maintained tables, from the facts.
    await sql`insert into customer_owners (tenant_id, customer_id, from_at, owner_id)
      select tenant_id, id, 'epoch'::timestamptz, owner_id from customers`;
    // Name search's grams (a trigger keeps them in the app; triggers are off for the load).
    await sql`insert into customer_name_grams (tenant_id, gram, customer_id, name)
      select c.tenant_id, g, c.id, c.name from customers c, customer_name_grams_of(c.name) g`;
    await sql`insert into customer_status_history (tenant_id, id, customer_id, owner_id, from_status, to_status, at)
      select tenant_id, gen_random_uuid(), id, owner_id, null::customer_status, 'prospect'::customer_status, created_at from customers
      union all
      select tenant_id, gen_random_uuid(), id, owner_id, 'prospect'::customer_status, 'active'::customer_status, active_since from customers where active_since is not null
      union all
      select tenant_id, gen_random_uuid(), id, owner_id, 'active'::customer_status, 'churned'::customer_status, updated_at from customers where status = 'churned'
      union all
      select tenant_id, gen_random_uuid(), id, owner_id, 'prospect'::customer_status, 'dropped'::customer_status, updated_at from customers where status = 'dropped'`;
    await sql`insert into customer_month_totals (tenant_id, customer_id, month, business_line, amount_fen)
      select tenant_id, customer_id, month, business_line, sum(amount_fen) from revenue_entries group by 1, 2, 3, 4`;
    await sql`insert into rep_month_totals (tenant_id, rep_id, month, amount_fen, entries)
      select tenant_id, rep_id, month, sum(amount_fen), count(*) from revenue_entries group by 1, 2, 3`;
    await sql`insert into club_year_volumes (tenant_id, year, volume_fen)
      select tenant_id, left(month, 4), sum(abs(amount_fen)) from revenue_entries group by 1, 2`;
    await sql`insert into rep_day_contacts (tenant_id, rep_id, day, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
      select tenant_id, rep_id, day, month,
        count(*) filter (where in_person and target = 'existing'), count(*) filter (where in_person and target = 'prospect'),
        count(*) filter (where channel = 'visit'), count(*) filter (where channel = 'demo'),
        count(*) filter (where channel = 'phone'), count(*) filter (where channel = 'letter')
      from contacts group by 1, 2, 3, 4`;
    await sql`insert into rep_month_contacts (tenant_id, rep_id, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
      select tenant_id, rep_id, month, sum(existing_in_person), sum(prospect_in_person), sum(visits), sum(demos), sum(calls), sum(letters)
      from rep_day_contacts group by 1, 2, 3`;
    await sql`update customers c set last_in_person_at = x.last
      from (select tenant_id, customer_id, max(occurred_at) as last from contacts where in_person group by 1, 2) x
      where c.tenant_id = x.tenant_id and c.id = x.customer_id`;
    // Targets for every rep and month of the window (and next month): around the rep's usual month.
    const months = Array.from({ length: 13 }, (_, i) => clubMonth(monthStart(now, 11 - i) + DAY_MS));
    await sql`insert into targets (tenant_id, rep_id, month, amount_fen, set_at)
      select u.tenant_id, u.id, m.month,
        greatest(1000000, round(coalesce(avg_fen, 5000000) * (0.8 + 0.5 * random()) / 100000) * 100000)::bigint, ${iso(windowStart)}::timestamptz
      from users u
      cross join unnest(${months}::text[]) as m(month)
      left join (select tenant_id, rep_id, avg(amount_fen) as avg_fen from rep_month_totals group by 1, 2) r
        on r.tenant_id = u.tenant_id and r.rep_id = u.id
      where u.role = 'rep'`;
    phase("maintained tables");

    await sql.unsafe("set maintenance_work_mem = '1GB'");
    await sql.unsafe("set max_parallel_maintenance_workers = 2");
    for (const ix of indexes) await sql.unsafe(ix.def);
    phase("indexes");
    await sql.unsafe("vacuum analyze");
    phase("vacuum analyze");
    // A server that has been running holds its hot tables and indexes in shared_buffers;
    // a freshly loaded one holds nothing (the load went around them). Warm them, so the
    // figures measure the code and not the first read of each page from disk. Where
    // pg_prewarm is missing, or shared_buffers is small, this does little.
    const prewarm = await sql`select count(*)::int as n from pg_available_extensions where name = 'pg_prewarm'`;
    if ((prewarm[0]?.n ?? 0) > 0) {
      await sql.unsafe("create extension if not exists pg_prewarm");
      await sql.unsafe(`select pg_prewarm(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'i') order by pg_relation_size(c.oid)`);
      phase("prewarm");
    }

    // Sessions for the users the bench drives.
    const boardPerClub = opts.boardSessionsPerClub ?? 10;
    const writersPerClub = opts.writersPerClub ?? 5;
    const bigWriters = opts.bigWriters ?? 200;
    const sessionRows: ReturnType<typeof makeSession>["row"][] = [];
    const clubs: SeededClub[] = [];
    for (const p of plans) {
      const managers = managerIds.get(p.tenantId)!;
      const reps = repIds.get(p.tenantId)!;
      const list = customersOf.get(p.tenantId)!;
      const open = (userId: string) => {
        const s = makeSession(p.tenantId, userId, nowDate);
        sessionRows.push(s.row);
        return s.token;
      };
      const managerToken = open(managers[0]!);
      const boardTokens = Array.from({ length: boardPerClub }, (_, i) => open(managers[i % managers.length]!));
      const byRep = new Map<number, Writer>();
      const nWriters = Math.min(reps.length, p.idx === 0 ? bigWriters : writersPerClub);
      for (let r = 0; r < nWriters; r++) byRep.set(r, { repId: reps[r]!, token: open(reps[r]!), active: [], prospects: [] });
      for (const c of list) {
        const w = byRep.get(c.owner);
        if (!w) continue;
        if (c.status === "active" && w.active.length < 50) w.active.push(c.id);
        if (c.status === "prospect" && w.prospects.length < 50) w.prospects.push(c.id);
      }
      clubs.push({
        tenantId: p.tenantId,
        slug: p.slug,
        reps: p.reps,
        customers: p.customers,
        managerToken,
        boardTokens,
        writers: [...byRep.values()].filter((w) => w.active.length > 0),
      });
    }
    for (let i = 0; i < sessionRows.length; i += 1000) await sql`insert into sessions ${sql(sessionRows.slice(i, i + 1000))}`;
    phase("sessions");

    const [counts] = await sql<Record<string, string>[]>`select
      (select count(*) from tenants) as clubs,
      (select count(*) from users where role = 'rep') as reps,
      (select count(*) from customers) as customers,
      (select count(*) from contacts) as contacts,
      (select count(*) from revenue_entries) as revenue_entries,
      (select count(*) from customer_month_totals) as customer_month_totals,
      (select count(*) from rep_month_totals) as rep_month_totals,
      (select count(*) from rep_day_contacts) as rep_day_contacts,
      (select count(*) from rep_month_contacts) as rep_month_contacts,
      (select count(*) from targets) as targets,
      (select count(*) from sessions) as sessions,
      (select pg_database_size(current_database())) as bytes`;
    const loadMs = Math.round(performance.now() - t0);
    return {
      url,
      scale: opts.scale,
      ledger: opts.ledger ?? 1,
      loadMs,
      phases,
      counts: Object.fromEntries(Object.entries(counts!).map(([k, v]) => [k, Number(v)])),
      month,
      lastMonth,
      big: clubs[0]!,
      clubs,
      commonQ: "科技",
      rareQ: "银河能源",
    };
  } finally {
    await sql.end();
  }
}

/** Drop the bench database. */
export async function dropBenchDb(adminUrl: string, dbName: string) {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  } finally {
    await admin.end();
  }
}
