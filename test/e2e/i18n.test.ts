import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import type { TestServer } from "../support/harness.ts";
import { launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

describe("language", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-lang");
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("starts in Chinese for a Chinese browser, switches to English and back, and remembers the choice", async () => {
    const ctx = await newContext(browser, { ...PHONE, locale: "zh-CN" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    const button = page.getByTestId("log-contact");
    await expect.poll(() => button.textContent()).toContain("记录联系");
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");

    await page.getByTestId("lang-switch").tap();
    await expect.poll(() => button.textContent()).toContain("Log contact");
    expect(await page.getAttribute("html", "lang")).toBe("en");

    await page.reload();
    await expect.poll(() => page.getByTestId("log-contact").textContent()).toContain("Log contact");

    await page.getByTestId("lang-switch").tap();
    await expect.poll(() => page.getByTestId("log-contact").textContent()).toContain("记录联系");
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    await ctx.close();
  });

  it("starts in English for an English browser", async () => {
    const ctx = await newContext(browser, { ...PHONE, locale: "en-US" });
    const page = await ctx.newPage();
    await page.goto(ts.url);
    await expect.poll(() => page.getByTestId("sign-in").textContent()).toBe("Sign in");
    await ctx.close();
  });
});
