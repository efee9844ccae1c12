import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import type { TestServer } from "../support/harness.ts";
import {
  clubMonthNow,
  DESKTOP,
  launchBrowser,
  newContext,
  PASSWORDS,
  PHONE,
  setTargets,
  signInUi,
  startLiveClockServer,
} from "./support.ts";

// The manager's board is live: revenue the rep records in another browser moves it
// without a reload, and the rows change places when the ranks change.
describe("manager's live board", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-board");
    await setTargets(ts.url, club.manager.token, clubMonthNow(), { [club.rep1.id]: 100_000, [club.rep2.id]: 100_000 });
    const c2 = await newCustomer(ts.url, club.rep2.token, { name: "中信银行工会", status: "active" });
    await addRevenue(ts.url, club.manager.token, { customerId: c2.id, amount: 20_000, occurredAt: new Date().toISOString() });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("updates when the rep logs revenue in another browser context", async () => {
    const mgr = await newContext(browser, DESKTOP);
    const board = await mgr.newPage();
    await signInUi(board, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await board.waitForURL(/\/board$/);
    const rows = board.getByTestId("board-row");
    await rows.first().waitFor();
    await expect.poll(() => rows.first().getAttribute("data-rep")).toBe(club.rep2.id);
    const rep1Revenue = board.locator(`[data-rep="${club.rep1.id}"] [data-testid="revenue"]`);
    expect(await rep1Revenue.textContent()).toBe("¥0");
    await board.locator(".live-dot.on").first().waitFor();

    // The rep, on their own phone, records revenue for their customer.
    const repCtx = await newContext(browser, PHONE);
    const phone = await repCtx.newPage();
    await signInUi(phone, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await phone.getByTestId("log-contact").waitFor();
    const status = await phone.evaluate(async () => {
      const headers = { "content-type": "application/json" };
      const c = await fetch("/api/v1/customers", {
        method: "POST",
        headers,
        // a rep's new customer is a prospect (only a card sale or a manager makes it active)
        body: JSON.stringify({ name: "国贸大酒店", kind: "group" }),
      }).then((r) => r.json());
      const r = await fetch("/api/v1/revenue", {
        method: "POST",
        headers,
        body: JSON.stringify({ customerId: c.id, amount: 45_000, businessLine: "catering", occurredAt: new Date().toISOString() }),
      });
      return r.status;
    });
    expect(status).toBe(201);

    // No reload: the live channel brings the new figure and the new order.
    const navigations: string[] = [];
    board.on("framenavigated", (f) => navigations.push(f.url()));
    await expect.poll(() => rep1Revenue.textContent(), { timeout: 15_000 }).toBe("¥4.5万");
    await expect.poll(() => rows.first().getAttribute("data-rep"), { timeout: 15_000 }).toBe(club.rep1.id);
    expect(await board.locator(`[data-rep="${club.rep1.id}"] [data-testid="attainment"]`).textContent()).toBe("45%");
    expect(navigations).toEqual([]);
    await repCtx.close();
    await mgr.close();
  });

  it("says the board is stale, with the time, when the connection drops", async () => {
    const ctx = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    const tv = await ctx.newPage();
    await signInUi(tv, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await tv.waitForURL(/\/board$/);
    await tv.goto(`${ts.url}/tv`);
    await tv.getByTestId("board-row").first().waitFor();
    await tv.locator(".live-dot.on").waitFor();
    expect(await tv.getByTestId("tv-stale").count()).toBe(0);
    await ctx.setOffline(true);
    await tv.getByTestId("tv-stale").waitFor({ timeout: 30_000 });
    expect(await tv.getByTestId("tv-stale").textContent()).toMatch(/\d{2}:\d{2}/);
    await ctx.setOffline(false);
    await tv.getByTestId("tv-stale").waitFor({ state: "detached", timeout: 30_000 });
    await ctx.close();
  });
});
