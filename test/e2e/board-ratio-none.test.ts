import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, launchBrowser, newContext, PASSWORDS, signInUi, startLiveClockServer } from "./support.ts";

// On the manager's board, a rep with no in-person visit this month is neither green
// nor short on the 1:3 ratio: "no visits yet", and not counted as on ratio.
describe("the board's 1:3 column with no visits", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-ratio-none");
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("says no visits yet, then on ratio after a prospect visit", async () => {
    const ctx = await newContext(browser, { ...DESKTOP, locale: "zh-CN" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.locator(".mgr-shell").waitFor();
    const none = page.getByTestId("ratio-none");
    await expect.poll(() => none.count(), { timeout: 10_000 }).toBe(2);
    expect(await none.first().textContent()).toBe("本月无面访");
    expect(await page.locator(".ratio.good").count()).toBe(0);
    await expectAccessible(page, ".board-table");

    const p = await newCustomer(ts.url, club.rep1.token, { name: "小米科技市场部", status: "prospect" });
    const visit = await call(ts.url, "POST", "/contacts", {
      token: club.rep1.token,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: { customerId: p.id, channel: "visit" },
    });
    expect(visit.status).toBe(201);
    await expect.poll(() => none.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.locator(".ratio.good").count(), { timeout: 10_000 }).toBe(1);
    await ctx.close();
  });
});
