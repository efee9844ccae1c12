import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { call, freshDatabase } from "../support/harness.ts";
import { connected, eventually, freePort, type ServerProcess, sleep, spawnServer } from "../support/live.ts";

/**
 * Load held: a steady stream of revenue and contact writes for SOAK_SECONDS with
 * board sockets connected. No error answers, no dropped board update (every board
 * ends showing every write), and the server's memory stays within a bound.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 45);
const WRITES_PER_SECOND = 20;
const BOARDS = 20;
/** Resident memory may grow this much between the end of warm-up and the end. */
const MEMORY_BOUND_MB = 150;

function treeRssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      kb += Number(m?.[1] ?? 0);
    } catch {}
    let kids: string[] = [];
    try {
      kids = execFileSync("pgrep", ["-P", String(p)])
        .toString()
        .trim()
        .split("\n")
        .filter(Boolean);
    } catch {}
    for (const k of kids) visit(Number(k));
  };
  visit(pid);
  return kb / 1024;
}

describe("soak", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it(`holds ${WRITES_PER_SECOND} writes/s for ${SECONDS}s with ${BOARDS} boards: no errors, no dropped updates, bounded memory`, async () => {
    const db = await freshDatabase(undefined, "postgres");
    cleanups.push(() => db.drop());
    const port = await freePort();
    const server: ServerProcess = await spawnServer({ DATABASE_URL: db.url!, PORT: String(port), JOB_INTERVAL_MS: "0", LOG_LEVEL: "info" });
    cleanups.push(() => server.stop());
    const url = server.url;
    const s = await call(url, "POST", "/signup", {
      body: { club: { name: "Soak", slug: "soak" }, admin: { email: "admin@soak.test", password: "correct horse battery", name: "A" } },
    });
    const admin = s.body.token as string;
    await call(url, "POST", "/users", {
      token: admin,
      body: { email: "rep@soak.test", name: "Rep", role: "rep", password: "rep password 1" },
    });
    const repToken = (
      await call(url, "POST", "/auth/login", { body: { club: "soak", email: "rep@soak.test", password: "rep password 1" } })
    ).body.token as string;
    const cu = await call(url, "POST", "/customers", { token: repToken, body: { name: "Soak Co", kind: "group" } });
    // only a card sale or a manager makes a customer active
    await call(url, "PATCH", `/customers/${cu.body.id}`, { token: admin, body: { status: "active" } });
    const boards = await Promise.all(Array.from({ length: BOARDS }, () => connected(url, admin)));

    let errors = 0;
    let writes = 0;
    let revenueFen = 0;
    const samples: number[] = [];
    const start = Date.now();
    const end = start + SECONDS * 1000;
    let warm = 0;
    let i = 0;
    while (Date.now() < end) {
      const tick = Date.now();
      const batch = Array.from({ length: WRITES_PER_SECOND / 4 }, async () => {
        const n = i++;
        const res =
          n % 2 === 0
            ? await call(url, "POST", "/revenue", {
                token: repToken,
                headers: { "idempotency-key": `soak-r-${n}` },
                body: { customerId: cu.body.id, amount: 10, businessLine: "spa", occurredAt: new Date().toISOString() },
              })
            : await call(url, "POST", "/contacts", {
                token: repToken,
                headers: { "idempotency-key": `soak-c-${n}` },
                body: { customerId: cu.body.id, channel: n % 3 === 0 ? "visit" : "phone" },
              });
        if (res.status !== 201) errors++;
        else if (n % 2 === 0) revenueFen += 1000;
        writes++;
      });
      await Promise.all(batch);
      if (!warm && Date.now() - start > 10_000) warm = treeRssMb(server.child.pid!);
      if (samples.length === 0 || Date.now() - start > samples.length * 5000) samples.push(treeRssMb(server.child.pid!));
      await sleep(Math.max(0, 250 - (Date.now() - tick)));
    }
    const last = treeRssMb(server.child.pid!);
    // every board ends showing every write: the latest leaderboard holds the full revenue
    const expected = revenueFen / 100;
    for (const b of boards) {
      await eventually(() => {
        const u = b.rec
          .of("leaderboard:update")
          .filter((x) => x.period === "month")
          .at(-1);
        const total = (u?.rows ?? []).reduce((sum, r) => sum + r.revenue, 0);
        if (total !== expected) throw new Error(`board shows ${total}, expected ${expected}`);
      }, 10_000);
      b.socket.disconnect();
    }
    const growth = last - (warm || samples[0]!);
    console.log(
      `soak: ${writes} writes in ${SECONDS}s, ${errors} errors, ${BOARDS} boards all current, rss ${samples.map((m) => m.toFixed(0)).join(" → ")} MB, growth after warm-up ${growth.toFixed(1)} MB (bound ${MEMORY_BOUND_MB})`,
    );
    expect(errors).toBe(0);
    expect(growth).toBeLessThan(MEMORY_BOUND_MB);
  }, 600_000);
});
