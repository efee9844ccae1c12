import { users } from "@clubhouse/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { respondError, toAppError } from "../../server/src/http/errors.ts";
import { publishAfterCommit } from "../../server/src/realtime/outbox.ts";
import { liveRoutes } from "../../server/src/realtime/routes.ts";
import { addUser, loginAs, signupClub, startTestServer, type TestServer } from "../support/harness.ts";
import { connected, type LiveClient, nothingWithin, type Recorder, userBoards } from "../support/live.ts";

let t: TestServer;
let club: Awaited<ReturnType<typeof signupClub>>;
let admin: { socket: LiveClient; rec: Recorder };

beforeAll(async () => {
  t = await startTestServer();
  t.server.deps.boards = userBoards(t.server.deps.database);
  club = await signupClub(t.url);
  admin = await connected(t.url, club.token);
  await admin.rec.next("board:snapshot");
  admin.rec.clear();
});
afterAll(async () => {
  admin?.socket.disconnect();
  await t?.close();
});

/** A write that renames the admin and announces it, as a service would. */
function rename(name: string, fail: boolean) {
  return publishAfterCommit(t.server.deps, club.tenant.id, async (tx, out) => {
    await tx.update(users).set({ name }).where(eq(users.id, club.user.id));
    out.emit("standing:changed", { repId: club.user.id, name });
    out.boardChanged();
    if (fail) throw new Error("the write fails after announcing");
    return name;
  });
}

describe("events leave only after commit", () => {
  it("a rolled-back write pushes nothing; the committed one is received with its board", async () => {
    await expect(rename("Rolled Back", true)).rejects.toThrow("the write fails after announcing");
    expect(await nothingWithin(admin.rec, 500)).toEqual([]);

    await expect(rename("Committed", false)).resolves.toBe("Committed");
    expect(await admin.rec.next("standing:changed")).toEqual({ repId: club.user.id, name: "Committed" });
    const snap = await admin.rec.next("board:snapshot");
    expect(snap.boards.members).toEqual(["Committed"]);
    expect(admin.rec.of("standing:changed")).toHaveLength(1);
    admin.rec.clear();
  });
});

describe("POST /live/sync (liveRoutes, mounted at /api/v1/live)", () => {
  it("pushes fresh boards for a manager's club and refuses a rep", async () => {
    // As app.ts will mount it: the app's one error mapping turns thrown errors into statuses.
    const app = liveRoutes(t.server.deps).onError((err, c) => respondError(c, toAppError(err)));
    const before = admin.rec.of("board:snapshot").length;
    const ok = await app.request("/sync", { method: "POST", headers: { authorization: `Bearer ${club.token}` } });
    expect(ok.status).toBe(202);
    await admin.rec.next("board:snapshot");
    expect(admin.rec.of("board:snapshot")).toHaveLength(before + 1);

    await addUser(t.url, club.token, "rep", `rep@${club.tenant.slug}.test`);
    const rep = await loginAs(t.url, club.tenant.slug, `rep@${club.tenant.slug}.test`, "rep password 1");
    const refused = await app.request("/sync", { method: "POST", headers: { authorization: `Bearer ${rep}` } });
    expect(refused.status).toBe(403);
    const anonymous = await app.request("/sync", { method: "POST" });
    expect(anonymous.status).toBe(401);
  });
});
