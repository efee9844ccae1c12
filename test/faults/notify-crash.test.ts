import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { call, freshDatabase, type TestDatabase } from "../support/harness.ts";
import { freePort, type ServerProcess, sleep, spawnServer } from "../support/live.ts";
import { type Receiver, standardValid, startReceiver, waitFor } from "../support/receiver.ts";

/**
 * Notifications survive kill -9 (docs/notify.md): card sales are announced to a slow
 * webhook while the server is SIGKILLed mid-delivery again and again. Afterwards every
 * sale has reached the receiver, and a sale heard more than once was heard with the
 * same `webhook-id` (and the same signed body) every time.
 */
const SALES = 24;
const KILLS = 8;
const WHSEC = `whsec_${Buffer.from("crash-test-secret-of-32-bytes!!!").toString("base64")}`;

let db: TestDatabase | undefined;
let server: ServerProcess | undefined;
let receiver: Receiver | undefined;

afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  await db?.drop();
});

describe("notify: kill -9 mid-delivery", () => {
  it("loses nothing; repeats carry the same webhook-id", async () => {
    db = await freshDatabase(undefined, "postgres");
    receiver = await startReceiver("");
    // slow enough that a kill lands while a request is in flight or its answer is being recorded
    receiver.answer = async () => {
      await sleep(150);
      return { status: 200, body: "" };
    };
    const port = await freePort();
    const env = {
      DATABASE_URL: db.url!,
      PORT: String(port),
      JOB_INTERVAL_MS: "0",
      NOTIFY_POLL_MS: "100",
      NOTIFY_RETRY_BASE_MS: "100",
      NOTIFY_RETRY_MAX_MS: "500",
      NOTIFY_TIMEOUT_MS: "1000",
      NOTIFY_LEASE_MS: "1500",
    };
    server = await spawnServer(env);
    const base = () => server!.url;

    const slug = "notify-crash";
    const s = await call(base(), "POST", "/signup", {
      body: { club: { name: "Crash club", slug }, admin: { email: `admin@${slug}.test`, password: "correct horse battery", name: "A" } },
    });
    const admin = s.body.token as string;
    const ch = await call(base(), "POST", "/notify/channels", {
      token: admin,
      body: { kind: "webhook", name: "ERP", url: `${receiver.url}/in`, secret: WHSEC, events: ["card_sold"] },
    });
    expect(ch.status).toBe(201);
    const card = await call(base(), "POST", "/card-types", { token: admin, body: { name: "Silver", listPrice: 8000 } });
    expect(card.status).toBe(201);
    // deliveries start as soon as the sales commit, and go on through the kills below
    const saleIds: string[] = [];
    for (let i = 0; i < SALES; i++) {
      const cu = await call(base(), "POST", "/customers", { token: admin, body: { name: `Crash ${i}`, kind: "group" } });
      const sale = await call(base(), "POST", "/card-sales", { token: admin, body: { customerId: cu.body.id, cardTypeId: card.body.id } });
      expect(sale.status).toBe(201);
      saleIds.push(sale.body.id);
    }

    for (let k = 0; k < KILLS; k++) {
      await sleep(150 + ((k * 97) % 250));
      await new Promise<void>((done) => {
        server!.child.once("exit", () => done());
        server!.child.kill("SIGKILL");
      });
      server = await spawnServer(env);
    }

    const heard = () => new Set(receiver!.got.map((r) => r.body?.data?.saleId));
    await waitFor(() => saleIds.every((id) => heard().has(id)), 60_000, "every sale to be heard");

    // every committed message is marked delivered in the end
    const pg = postgres(db.url!, { max: 1, onnotice: () => {} });
    try {
      await waitFor(
        async () => {
          const [row] = await pg<{ n: number }[]>`select count(*)::int as n from notify_outbox where status <> 'delivered'`;
          return row?.n === 0;
        },
        30_000,
        "the outbox to drain",
      );
      const rows = await pg<{ id: string; sale: string }[]>`select id, payload->>'saleId' as sale from notify_outbox`;
      expect(rows).toHaveLength(SALES);
      const idOfSale = new Map(rows.map((r) => [r.sale, r.id]));
      // a repeat is the same message: its id and its signed body
      const bodyOf = new Map<string, string>();
      for (const r of receiver.got) {
        const id = String(r.headers["webhook-id"]);
        expect(idOfSale.get(r.body.data.saleId)).toBe(id);
        expect(standardValid(r, WHSEC)).toBe(true);
        const seen = bodyOf.get(id);
        if (seen !== undefined) expect(r.raw).toBe(seen);
        bodyOf.set(id, r.raw);
      }
      expect(bodyOf.size).toBe(SALES);
      console.log(
        `notify crash: ${KILLS} SIGKILLs, ${SALES} messages, ${receiver.got.length} requests (${receiver.got.length - SALES} repeats), 0 lost`,
      );
    } finally {
      await pg.end();
    }
  });

  it("two processes sweeping one outbox send each message once (SKIP LOCKED)", async () => {
    const db2 = await freshDatabase(undefined, "postgres");
    const rec = await startReceiver("");
    rec.answer = async () => {
      await sleep(30);
      return { status: 200, body: "" };
    };
    const env = { DATABASE_URL: db2.url!, JOB_INTERVAL_MS: "0", NOTIFY_POLL_MS: "20", NOTIFY_LEASE_MS: "30000" };
    const one = await spawnServer(env);
    const two = await spawnServer(env);
    try {
      const slug = "notify-two";
      const s = await call(one.url, "POST", "/signup", {
        body: { club: { name: "Two", slug }, admin: { email: `admin@${slug}.test`, password: "correct horse battery", name: "A" } },
      });
      const admin = s.body.token as string;
      await call(two.url, "POST", "/notify/channels", {
        token: admin,
        body: { kind: "webhook", name: "ERP", url: `${rec.url}/in`, secret: WHSEC, events: ["card_sold"] },
      });
      const card = await call(one.url, "POST", "/card-types", { token: admin, body: { name: "Silver", listPrice: 8000 } });
      const n = 30;
      await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const base = i % 2 ? one.url : two.url;
          const cu = await call(base, "POST", "/customers", { token: admin, body: { name: `Two ${i}`, kind: "group" } });
          const sale = await call(base, "POST", "/card-sales", {
            token: admin,
            body: { customerId: cu.body.id, cardTypeId: card.body.id },
          });
          expect(sale.status).toBe(201);
        }),
      );
      await waitFor(() => rec.got.length >= n, 60_000, "every sale");
      await sleep(500);
      const ids = rec.got.map((r) => String(r.headers["webhook-id"]));
      expect(new Set(ids).size).toBe(n);
      expect(ids).toHaveLength(n);
    } finally {
      await one.stop();
      await two.stop();
      await rec.close();
      await db2.drop();
    }
  });
});
