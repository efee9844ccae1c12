import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { eventually, get, launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

// Undo a mis-tapped contact on the phone: still on the phone it is removed (never
// sent); sent, it is voided — at once with "误操作" just after logging, otherwise
// with a reason — and shows struck through with the reason.

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(shots, { recursive: true });

describe("undo a contact on the phone", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-undo");
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const signedIn = async (ctx: BrowserContext) => {
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await page.getByTestId("log-contact").waitFor();
    return page;
  };
  const contactsOf = async (customerId: string) =>
    (await get(ts.url, club.rep1.token, `/contacts?customerId=${customerId}`)).items as Json[];
  const outbox = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem("clubhouse.outbox.v1") ?? "[]").length as number);

  it("undoes a contact just logged: removed from the phone, never sent", async () => {
    const c = await newCustomer(ts.url, club.rep1.token, { name: "联想集团行政部", status: "active" });
    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx);
    await page.locator(`[data-testid="customer-row"][data-name="联想集团行政部"]`).tap();
    await page.getByTestId("channel-visit").tap();
    await page.getByTestId("outcome-interested").tap();
    await page.getByTestId("log-saved").waitFor();
    await page.getByTestId("undo").tap();
    await page.getByTestId("log-undone").waitFor();
    expect(await page.getByTestId("log-undone").textContent()).toContain("已从本机删除，未发送。");
    await expectAccessible(page, '[data-testid="log-sheet"]');
    await page.getByTestId("log-done").tap();
    expect(await outbox(page)).toBe(0);
    // Well past the 8 quiet seconds a saved contact waits: nothing reached the server.
    await page.waitForTimeout(9_000);
    expect(await contactsOf(c.id)).toHaveLength(0);
    await ctx.close();
  });

  it("undoes from the log sheet a contact that already went out while the note step was open: voided with 误操作", async () => {
    const c = await newCustomer(ts.url, club.rep1.token, { name: "中国国航大客户部", status: "active" });
    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx);
    await page.locator(`[data-testid="customer-row"][data-name="中国国航大客户部"]`).tap();
    await page.getByTestId("channel-visit").tap();
    await page.getByTestId("outcome-interested").tap();
    await page.getByTestId("log-saved").waitFor();
    // After 8 quiet seconds the saved contact is sent while the sheet stays open.
    await eventually(async () => (await contactsOf(c.id)).length === 1, 20_000, "the contact sent");
    await expect.poll(() => outbox(page)).toBe(0);
    await page.getByTestId("undo").tap();
    await expect.poll(() => page.getByTestId("log-undone").textContent()).toContain("联系已撤销（误操作）。");
    const [voided] = await contactsOf(c.id);
    expect([voided?.voided, voided?.voidReason]).toEqual([true, "误操作"]);
    await ctx.close();
  });

  it("removes a contact waiting in the offline outbox from the card, and it is never sent", async () => {
    const c = await newCustomer(ts.url, club.rep1.token, { name: "北京燕莎友谊商城", status: "active" });
    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx);
    // The network refuses contacts: the one logged waits on the phone.
    await page.route("**/api/v1/contacts", (route) =>
      route.request().method() === "POST" ? route.abort("internetdisconnected") : route.fallback(),
    );
    await page.goto(`${ts.url}/c/${c.id}`);
    await page.getByTestId("card-log").tap();
    await page.getByTestId("channel-phone").tap();
    await page.getByTestId("outcome-none").tap();
    await page.getByTestId("log-done").tap();
    await page.getByTestId("log-sheet").waitFor({ state: "detached" });
    const pending = page.getByTestId("contact-pending");
    await pending.waitFor();
    await pending.getByTestId("undo").tap();
    await pending.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("card-done").textContent()).toContain("已从本机删除，未发送。");
    expect(await outbox(page)).toBe(0);
    await page.unroute("**/api/v1/contacts");
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await page.waitForTimeout(3_000);
    expect(await contactsOf(c.id)).toHaveLength(0);
    await ctx.close();
  });

  it("voids a sent contact at once with 误操作 just after logging; an older one asks why; voided ones are struck through with the reason", async () => {
    const c = await newCustomer(ts.url, club.rep1.token, { name: "华润置地（北京）有限公司", status: "active" });
    // A contact logged ten minutes ago (the server's clock set back while it is logged).
    const realNow = ts.clock.now;
    ts.clock.now = () => new Date(Date.now() - 10 * 60_000);
    const old = await call(ts.url, "POST", "/contacts", {
      token: club.rep1.token,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: { customerId: c.id, channel: "visit", outcome: "interested", occurredAt: new Date(Date.now() - 10 * 60_000).toISOString() },
    });
    ts.clock.now = realNow;
    expect(old.status).toBe(201);

    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx);
    await page.goto(`${ts.url}/c/${c.id}`);
    await page.getByTestId("card-log").tap();
    await page.getByTestId("channel-demo").tap();
    await page.getByTestId("outcome-signed").tap();
    await page.getByTestId("log-done").tap();
    await page.getByTestId("log-sheet").waitFor({ state: "detached" });
    await eventually(async () => (await contactsOf(c.id)).length === 2, 15_000, "the contact sent");
    await expect.poll(() => page.getByTestId("contact-item").count()).toBe(2);

    // The new one (first, newest): one tap voids it with the default reason.
    const fresh = page.getByTestId("contact-item").first();
    await fresh.getByTestId("undo").tap();
    await fresh.getByTestId("void-reason").waitFor();
    expect(await fresh.getByTestId("void-reason").textContent()).toBe("已撤销：误操作");
    expect(await fresh.evaluate((el) => el.classList.contains("voided"))).toBe(true);
    const after = await contactsOf(c.id);
    const voided = after.find((x) => x.channel === "demo");
    expect([voided?.voided, voided?.voidReason]).toEqual([true, "误操作"]);

    // The older one asks for a reason, checked on the phone.
    const older = page.getByTestId("contact-item").nth(1);
    await older.getByTestId("undo").tap();
    const sheet = page.getByTestId("undo-sheet");
    await sheet.waitFor();
    expect(await sheet.getAttribute("role")).toBe("dialog");
    await page.getByTestId("undo-confirm").tap();
    await page.getByText("请写明原因，至少 2 个字。").waitFor();
    await page.getByTestId("undo-reason").fill("客户改约下周");
    await expectAccessible(page, '[data-testid="undo-sheet"]');
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-undo-reason.png` });
    await page.getByTestId("undo-confirm").tap();
    await sheet.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("void-reason").count()).toBe(2);
    const visit = (await contactsOf(c.id)).find((x) => x.channel === "visit");
    expect([visit?.voided, visit?.voidReason]).toEqual([true, "客户改约下周"]);
    expect(await page.getByTestId("undo").count()).toBe(0);
    await expectAccessible(page, "section[aria-labelledby='contacts-title']");
    await page.locator("#contacts-title").scrollIntoViewIfNeeded();
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-contacts-voided.png` });
    await ctx.close();
  });

  it("says it in English too", async () => {
    const c = await newCustomer(ts.url, club.rep1.token, { name: "Guomao Hotel", status: "active" });
    const ctx = await newContext(browser, { ...PHONE, locale: "en-US" });
    const page = await signedIn(ctx);
    await page.goto(`${ts.url}/c/${c.id}`);
    await page.getByTestId("card-log").tap();
    await page.getByTestId("channel-visit").tap();
    await page.getByTestId("outcome-none").tap();
    await page.getByTestId("log-done").tap();
    await eventually(async () => (await contactsOf(c.id)).length === 1, 15_000, "the contact sent");
    const item = page.getByTestId("contact-item").first();
    await item.waitFor();
    expect(await item.getByTestId("undo").getAttribute("aria-label")).toMatch(/^Undo the Visit at /);
    await item.getByTestId("undo").tap();
    await expect.poll(() => item.getByTestId("void-reason").textContent()).toBe("Undone: Mis-tap");
    await ctx.close();
  });
});
