import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import { call, type TestServer } from "../support/harness.ts";
import { DESKTOP, launchBrowser, newContext, PASSWORDS, signInUi, startLiveClockServer } from "./support.ts";

// A rep promoted to manager while the app is open gets the manager's screens at once,
// and back again when demoted: no sign-out, no reload.
describe("a role change reaches the open app", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-role-shell");
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("switches the shell when the user's role changes", async () => {
    const ctx = await newContext(browser, { ...DESKTOP, locale: "zh-CN" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await page.getByTestId("log-contact").waitFor();
    const managerNav = page.locator('.mgr-shell a[href="/board"]');
    expect(await managerNav.count()).toBe(0);

    const up = await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { role: "manager" } });
    expect(up.status).toBe(200);
    await expect.poll(() => managerNav.count(), { timeout: 10_000 }).toBe(1);

    const down = await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { role: "rep" } });
    expect(down.status).toBe(200);
    await expect.poll(() => managerNav.count(), { timeout: 10_000 }).toBe(0);
    await page.goto(ts.url);
    await page.getByTestId("log-contact").waitFor();
    await ctx.close();
  });

  it("a role changed while the app's live channel was still connecting: the shell follows once it connects", async () => {
    const ctx = await newContext(browser, { ...DESKTOP, locale: "zh-CN" });
    // Hold the live channel's requests (its handshake goes over HTTP first) until the role has changed.
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    await ctx.route("**/socket.io/**", async (route) => {
      await released;
      await route.continue();
    });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `rep2@${club.slug}.test`, PASSWORDS.rep2);
    await page.getByTestId("log-contact").waitFor();
    const managerNav = page.locator('.mgr-shell a[href="/board"]');
    expect(await managerNav.count()).toBe(0);
    const up = await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { role: "manager" } });
    expect(up.status).toBe(200);
    release();
    await expect.poll(() => managerNav.count(), { timeout: 10_000 }).toBe(1);
    await ctx.close();
  });
});
