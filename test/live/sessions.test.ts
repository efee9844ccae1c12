import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, call, loginAs, signupClub, startTestServer, type TestServer } from "../support/harness.ts";
import { connect, connected, disconnected, liveClient } from "../support/live.ts";

let t: TestServer;
let club: Awaited<ReturnType<typeof signupClub>>;
beforeAll(async () => {
  t = await startTestServer();
  club = await signupClub(t.url);
});
afterAll(() => t?.close());

describe("ending sessions closes their sockets", () => {
  it("logout disconnects that session's sockets within a second, and only them", async () => {
    const email = `logout@${club.tenant.slug}.test`;
    await addUser(t.url, club.token, "manager", email);
    const phone = await loginAs(t.url, club.tenant.slug, email, "rep password 1");
    const desk = await loginAs(t.url, club.tenant.slug, email, "rep password 1");
    const onPhone = await connected(t.url, phone);
    const alsoOnPhone = await connected(t.url, phone);
    const onDesk = await connected(t.url, desk);

    const started = Date.now();
    const gone = Promise.all([disconnected(onPhone.socket, 2_000), disconnected(alsoOnPhone.socket, 2_000)]);
    expect((await call(t.url, "POST", "/auth/logout", { token: phone })).status).toBe(204);
    const reasons = await gone;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(reasons).toEqual(["io server disconnect", "io server disconnect"]);
    expect(onPhone.rec.of("session:ended")).toEqual([{ reason: "signed out" }]);
    expect(onDesk.socket.connected).toBe(true);
    expect(onDesk.rec.of("session:ended")).toEqual([]);

    // The ended token cannot come back.
    await expect(connect(liveClient(t.url, { token: phone }))).rejects.toThrow("unauthorized");
    onDesk.socket.disconnect();
  });

  it("disabling a user disconnects all of their sockets within a second", async () => {
    const email = `disabled@${club.tenant.slug}.test`;
    const rep = await addUser(t.url, club.token, "rep", email);
    const one = await connected(t.url, await loginAs(t.url, club.tenant.slug, email, "rep password 1"));
    const two = await connected(t.url, await loginAs(t.url, club.tenant.slug, email, "rep password 1"));
    const admin = await connected(t.url, club.token);

    const started = Date.now();
    const gone = Promise.all([disconnected(one.socket, 2_000), disconnected(two.socket, 2_000)]);
    const res = await call(t.url, "PATCH", `/users/${rep.id}`, { token: club.token, body: { disabled: true } });
    expect(res.status).toBe(200);
    expect(await gone).toEqual(["io server disconnect", "io server disconnect"]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(one.rec.of("session:ended")).toHaveLength(1);
    expect(two.rec.of("session:ended")).toHaveLength(1);
    expect(admin.socket.connected).toBe(true);
    admin.socket.disconnect();
  });
});
