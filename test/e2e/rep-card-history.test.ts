import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type TestServer } from "../support/harness.ts";
import { launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

// A customer's history reads as people say it: fields by name, owners by name, statuses in words.
describe("a customer card's history", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-card-history");
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("shows an owner change by the reps' names and the reason, in Chinese", async () => {
    await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "李娜" } });
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
    const c = await newCustomer(ts.url, club.rep2.token, { name: "中信银行总行工会", status: "prospect" });
    const moved = await call(ts.url, "POST", "/customers/reassign", {
      token: club.manager.token,
      body: { customerIds: [c.id], toRepId: club.rep1.id, reason: "李娜调岗" },
    });
    expect(moved.status).toBe(200);

    const ctx = await newContext(browser, { ...PHONE, locale: "zh-CN" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await page.getByTestId("log-contact").waitFor();
    await page.goto(`${ts.url}/c/${c.id}`);
    await page.getByRole("button", { name: "修改记录" }).click();
    const timeline = page.locator(".timeline").last();
    await expect.poll(() => timeline.textContent(), { timeout: 10_000 }).toContain("负责人：李娜 → 张伟");
    const text = (await timeline.textContent()) ?? "";
    expect(text).toContain("原因");
    expect(text).toContain("李娜调岗");
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(text).not.toContain("ownerId");
    await ctx.close();
  });
});
