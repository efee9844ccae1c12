import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import type { TestServer } from "../support/harness.ts";
import { DESKTOP, launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

/**
 * A Chinese user reads every error in Chinese: the error paths a person meets are
 * walked in a zh-CN browser, and every message on screen is checked for a sentence
 * written only in Latin letters (the server's English, zod's wording, a raw code).
 */
const CJK = /[\u3400-\u9fff]/;

/** Sentences of `text` with two or more Latin words and no Chinese character. */
function latinOnlySentences(text: string): string[] {
  return text
    .split(/[。；！？\n]|(?<=[.!?;])\s+/)
    .map((s) => s.trim())
    .filter((s) => /[A-Za-z]{2,}[^A-Za-z]+[A-Za-z]{2,}/.test(s) && !CJK.test(s));
}

/** Every message on screen (alerts, form and field errors, status lines), each checked. */
async function expectChineseMessages(page: Page, what: string): Promise<string> {
  const texts = await page.locator('[role="alert"], .form-error, .field-error, [role="status"]').allInnerTexts();
  const shown = texts.map((s) => s.trim()).filter(Boolean);
  expect(shown.length, `${what}: no message shown`).toBeGreaterThan(0);
  for (const s of shown) expect(latinOnlySentences(s), `${what}: "${s}"`).toEqual([]);
  return shown.join(" | ");
}

describe("a Chinese user sees no English on the error paths", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-zh-errors");
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("the sentence check finds English and lets Chinese with names of formats through", () => {
    expect(latinOnlySentences("must have at most two decimals")).toHaveLength(1);
    expect(latinOnlySentences("Too many attempts. Try again later.")).toHaveLength(2);
    expect(latinOnlySentences("文件不是 UTF-8 或 GB18030 文本，请另存为 CSV")).toEqual([]);
    expect(latinOnlySentences("金额：最多保留 2 位小数")).toEqual([]);
  });

  it("signing in: a wrong password, then the lockout", async () => {
    const ctx = await newContext(browser, { ...PHONE, locale: "zh-CN" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `rep2@${club.slug}.test`, "not the password");
    await page.getByTestId("login-error").waitFor();
    const wrong = await expectChineseMessages(page, "wrong password");
    expect(wrong).toMatch(CJK);

    // An unknown device is held after five failures for the account: the 429 is worded too.
    for (let i = 0; i < 6; i++) {
      await page.locator('input[name="password"]').fill(`wrong ${i}`);
      await page.getByTestId("sign-in").click();
      await page.waitForTimeout(150);
    }
    await expect.poll(() => page.getByTestId("login-error").textContent()).toMatch(/太多|稍后/);
    await expectChineseMessages(page, "lockout");
    await ctx.close();
  });

  it("settings: a threshold the rules refuse is explained next to its field", async () => {
    const ctx = await newContext(browser, { ...DESKTOP, locale: "zh-CN" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `admin@${club.slug}.test`, "correct horse battery");
    await page.locator(".mgr-shell").waitFor();
    await page.goto(`${ts.url}/settings`);
    await page.locator('input[name="tierB"]').fill("20000");
    await page.locator('input[name="tierA"]').fill("10000");
    await page.locator('form[aria-labelledby="thr-title"] button[type="submit"]').click();
    await page.locator(".field-error").first().waitFor();
    const text = await expectChineseMessages(page, "tier B above tier A");
    expect(text).toContain("A 级门槛");
    await ctx.close();
  });

  it("users: an e-mail already taken, and a password too short", async () => {
    const ctx = await newContext(browser, { ...DESKTOP, locale: "zh-CN" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.locator(".mgr-shell").waitFor();
    await page.goto(`${ts.url}/users`);
    await page.getByTestId("add-name").fill("王小明");
    await page.getByTestId("add-email").fill(`rep1@${club.slug}.test`);
    await page.getByTestId("add-password").fill("long enough password 1");
    await page.getByTestId("add-user").click();
    await page.locator("#add-email-error").waitFor();
    await expectChineseMessages(page, "taken e-mail");

    await page.getByTestId("add-email").fill(`new@${club.slug}.test`);
    await page.getByTestId("add-password").fill("x");
    await page.getByTestId("add-user").click();
    await page.locator("#add-password-error").waitFor();
    await expectChineseMessages(page, "short password");
    await ctx.close();
  });
});
