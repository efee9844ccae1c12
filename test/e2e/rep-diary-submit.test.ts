import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import type { TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

// Submitting a work diary locks the day for good: the phone asks first.
describe("submitting a diary", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-diary-submit");
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("asks first; cancelling keeps the diary open, confirming locks it", async () => {
    const ctx = await newContext(browser, { ...PHONE, locale: "zh-CN" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await page.getByTestId("log-contact").waitFor();
    await page.goto(`${ts.url}/diary`);
    await page.locator('textarea[name="notes"]').fill("拜访华润置地，介绍团体会籍。");

    await page.getByTestId("diary-submit").click();
    const dialog = page.getByTestId("diary-submit-confirm");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("锁定");
    await expectAccessible(page, '[data-testid="diary-submit-confirm"]');
    await page.getByTestId("diary-submit-cancel").click();
    await dialog.waitFor({ state: "hidden" });
    expect(await page.getByTestId("diary-submit").isVisible()).toBe(true);

    await page.getByTestId("diary-submit").click();
    await page.getByTestId("diary-submit-confirm-button").click();
    await page.getByTestId("diary-submit").waitFor({ state: "detached" });
    expect(await page.locator('textarea[name="notes"]').isDisabled()).toBe(true);
    await ctx.close();
  });
});
