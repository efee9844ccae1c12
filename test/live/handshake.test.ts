import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOARD_COALESCE_MS } from "../../server/src/realtime/rooms.ts";
import { addUser, loginAs, signupClub, startTestServer, type TestServer } from "../support/harness.ts";
import { connect, liveClient, nothingWithin, Recorder } from "../support/live.ts";

let t: TestServer;
let token: string;
beforeAll(async () => {
  t = await startTestServer({ ALLOWED_ORIGINS: ["https://board.example"] });
  token = (await signupClub(t.url)).token;
});
afterAll(() => t?.close());

async function refusal(socket: ReturnType<typeof liveClient>): Promise<string> {
  const err = await connect(socket).then(
    () => {
      socket.disconnect();
      throw new Error("connected, but should have been refused");
    },
    (e: Error) => e,
  );
  return err.message;
}

describe("the live handshake", () => {
  it("refuses a connection without a session", async () => {
    expect(await refusal(liveClient(t.url))).toBe("unauthorized");
  });

  it("refuses a bad, a forged and an ended token", async () => {
    expect(await refusal(liveClient(t.url, { token: "not-a-token" }))).toBe("unauthorized");
    const [tenant, id] = token.split(".");
    expect(await refusal(liveClient(t.url, { token: `${tenant}.${id}.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa` }))).toBe("unauthorized");
    expect(await refusal(liveClient(t.url, { cookie: "garbage" }))).toBe("unauthorized");
  });

  it("accepts a token in auth and sends the current board snapshot at once", async () => {
    const socket = liveClient(t.url, { token });
    const rec = new Recorder(socket);
    await connect(socket);
    const snap = await rec.next("board:snapshot");
    expect(snap.version).toEqual(expect.any(Number));
    expect(snap.boards).toMatchObject({
      leaderboard: { month: [], quarter: [], year: [] },
      quota: { reps: [] },
      alarms: { latest: [], next: null },
    });
    socket.disconnect();
  });

  it("refuses a cookie handshake from a foreign origin, accepts our own and the allowed ones", async () => {
    expect(await refusal(liveClient(t.url, { cookie: token, origin: "https://evil.example" }))).toBe("forbidden");
    for (const origin of [t.url, "https://board.example"]) {
      const socket = liveClient(t.url, { cookie: token, origin });
      const rec = new Recorder(socket);
      await connect(socket);
      expect((await rec.next("board:snapshot")).version).toEqual(expect.any(Number));
      socket.disconnect();
    }
  });

  it("answers board:sync with the current snapshot, and board:refresh for managers only", async () => {
    const club = await signupClub(t.url);
    await addUser(t.url, club.token, "rep", `rep@${club.tenant.slug}.test`);
    const repToken = await loginAs(t.url, club.tenant.slug, `rep@${club.tenant.slug}.test`, "rep password 1");
    const admin = liveClient(t.url, { token: club.token });
    const rep = liveClient(t.url, { token: repToken });
    const adminRec = new Recorder(admin);
    await connect(admin);
    await connect(rep);
    await adminRec.next("board:snapshot");
    // Adding the rep scheduled a coalesced recompute, which may come after the connect snapshot.
    await nothingWithin(adminRec, 3 * BOARD_COALESCE_MS);
    const first = adminRec.of("board:snapshot").at(-1)!;
    const sync = await admin.emitWithAck("board:sync");
    expect(sync).toEqual({ ok: true, version: first.version, boards: first.boards });

    expect(await rep.emitWithAck("board:refresh")).toEqual({ ok: false });
    expect(await admin.emitWithAck("board:refresh")).toEqual({ ok: true });
    const pushed = await adminRec.next("board:snapshot", (s) => s.version > first.version);
    expect(pushed.version).toBe(first.version + 1);
    admin.disconnect();
    rep.disconnect();
  });
});
