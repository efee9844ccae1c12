import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, call, freshDatabase, loginAs, signupClub, TEST_DB, type TestDatabase } from "../support/harness.ts";
import { connected, disconnected, type ServerProcess, spawnServer } from "../support/live.ts";

// Two `pnpm start` processes on one PostgreSQL database and one Redis, as behind a load balancer.
const REDIS_URL = `redis://127.0.0.1:6379/${1 + Math.floor(Math.random() * 15)}`;
let db: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  if (TEST_DB !== "postgres") throw new Error("the live project runs on PostgreSQL (TEST_DB=postgres)");
  db = await freshDatabase();
  const env = { DATABASE_URL: db.url!, REDIS_URL };
  [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
});

describe("two server processes behave as one", () => {
  it("boards changed through process A reach a board connected to process B, on one version sequence", async () => {
    const club = await signupClub(a.url);
    const second = await loginAs(b.url, club.tenant.slug, club.user.email, "correct horse battery");
    const onB = await connected(b.url, club.token);
    const onA = await connected(a.url, second);
    const [firstB, firstA] = await Promise.all([onB.rec.next("board:snapshot"), onA.rec.next("board:snapshot")]);
    expect(firstA.version).toBe(firstB.version);

    // The wall TV on A asks for fresh boards; B's board gets them.
    expect(await onA.socket.emitWithAck("board:refresh")).toEqual({ ok: true });
    const fromA = await onB.rec.next("board:snapshot", (s) => s.version > firstB.version);
    expect(fromA.version).toBe(firstB.version + 1);
    // And the other way round, continuing the same sequence.
    expect(await onB.socket.emitWithAck("board:refresh")).toEqual({ ok: true });
    expect((await onA.rec.next("board:snapshot", (s) => s.version > fromA.version)).version).toBe(fromA.version + 1);
    expect((await onB.socket.emitWithAck("board:sync")) as { version: number }).toMatchObject({ ok: true, version: fromA.version + 1 });

    // A real write through A: revenue recorded there is announced after commit to the managers'
    // sockets on B, and moves B's boards to a newer version.
    const rep = await addUser(a.url, club.token, "rep", `rep@${club.tenant.slug}.test`);
    const customer = await call(a.url, "POST", "/customers", {
      token: club.token,
      body: { name: "Jade Corp", kind: "group", ownerId: rep.id },
    });
    expect(customer.status).toBe(201);
    const synced = (await onB.socket.emitWithAck("board:sync")) as { version: number };
    const entry = await call(a.url, "POST", "/revenue", {
      token: club.token,
      body: {
        customerId: customer.body.id,
        amount: 1280.5,
        businessLine: "spa",
        occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
      },
    });
    expect(entry.status).toBe(201);
    expect(await onB.rec.next("revenue:recorded")).toMatchObject({ repId: rep.id, customerId: customer.body.id, amount: 1280.5 });
    await onB.rec.next("board:snapshot", (s) => s.version > synced.version);

    // Signing out through A closes the session's socket on B within a second; A's own socket stays.
    const gone = disconnected(onB.socket, 2_000);
    const started = Date.now();
    expect((await call(a.url, "POST", "/auth/logout", { token: club.token })).status).toBe(204);
    expect(await gone).toBe("io server disconnect");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(onB.rec.of("session:ended")).toEqual([{ reason: "signed out" }]);
    expect(onA.socket.connected).toBe(true);

    // A graceful stop closes the sockets (recoverably: the client reconnects elsewhere) and exits 0.
    const closed = disconnected(onA.socket, 5_000);
    expect(await a.stop()).toBe(0);
    expect(await closed).toBe("transport close");
    expect(await b.stop()).toBe(0);
    onA.socket.disconnect();
  });
});
