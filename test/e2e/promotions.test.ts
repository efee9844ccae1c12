import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, eventually, get, launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

// 第五条 1.2 end to end: a rep asks for a public promotion on the phone, a manager
// approves it at the desk, the rep logs a contact naming it, and the desk counts it.

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(shots, { recursive: true });

const PHONE_390 = { ...PHONE, viewport: { width: 390, height: 844 } } as const;

/** A `datetime-local` value in the page's time zone, `minutes` from now (rounded down to the minute). */
const localInput = (page: Page, minutes: number) =>
  page.evaluate((m) => {
    const d = new Date(Date.now() + m * 60_000);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }, minutes);

describe("public promotions (第五条 1.2)", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-promo");
    await call(ts.url, "POST", "/card-types", { token: club.manager.token, body: { name: "金卡", listPrice: 38000 } });
    await newCustomer(ts.url, club.rep1.token, { name: "国贸大酒店", status: "active" });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("the rep asks, the manager approves, a contact names it and the desk counts it", async () => {
    const phone = await (await newContext(browser, PHONE_390)).newPage();
    await signInUi(phone, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await phone.getByTestId("log-contact").waitFor();
    await phone.getByRole("link", { name: "推广活动" }).tap();
    await phone.getByTestId("promotion-form").waitFor();

    // Checked on the phone first: nothing filled in.
    await phone.getByTestId("promotion-place").fill("");
    await phone.getByTestId("promotion-submit").tap();
    await phone.getByText("请填写地点。").waitFor();
    await phone.getByText("请至少选择一种卡。").waitFor();

    await phone.getByTestId("promotion-place").fill("万达广场一楼中庭");
    await phone.getByTestId("promotion-starts").fill(await localInput(phone, 0));
    await phone.getByTestId("promotion-ends").fill(await localInput(phone, 120));
    await phone.locator('[data-testid="promotion-card"][data-name="金卡"]').tap();
    await phone.getByTestId("promotion-expected").fill("30");
    await phone.getByTestId("promotion-submit").tap();
    await phone.getByTestId("promotion-sent").waitFor();
    expect(await phone.getByTestId("promotion-sent").textContent()).toBe("已提交，等待主管审批。");
    await expect.poll(() => phone.getByTestId("my-promotion-status").first().textContent()).toBe("待审批");
    const asked = (await get(ts.url, club.rep1.token, "/promotions")).items as Json[];
    expect(asked.map((p) => [p.place, p.status, p.expectedContacts])).toEqual([["万达广场一楼中庭", "requested", 30]]);
    await expectAccessible(phone);
    await phone.evaluate(() => window.scrollTo(0, 0));
    await phone.screenshot({ animations: "disabled", path: `${shots}/rep-promotions.png` });

    // The manager approves at the desk.
    const desk = await (await newContext(browser, DESKTOP)).newPage();
    await signInUi(desk, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await desk.getByRole("link", { name: "推广活动" }).click();
    const row = desk.locator(`[data-testid="promotion-row"][data-id="${asked[0].id}"]`);
    await row.waitFor();
    await row.getByTestId("promotion-approve").click();
    await eventually(async () => (await get(ts.url, club.manager.token, `/promotions/${asked[0].id}`)).status === "approved");
    await expectAccessible(desk);
    // the rep's phone hears of the decision without a reload
    await expect.poll(() => phone.getByTestId("my-promotion-status").first().textContent(), { timeout: 10_000 }).toBe("已核准");
    await desk.getByTestId("promotions-approved").click();
    await desk.locator(`[data-testid="promotion-row"][data-id="${asked[0].id}"]`).waitFor();

    // The rep logs a contact: the one open promotion is chosen by default.
    await phone.getByRole("link", { name: "今天" }).tap();
    await phone.locator('[data-testid="customer-row"][data-name="国贸大酒店"]').tap();
    const choice = phone.getByTestId("promotion-choice");
    await choice.waitFor();
    expect(await choice.inputValue()).toBe(asked[0].id);
    await phone.getByTestId("channel-visit").tap();
    await phone.getByTestId("outcome-interested").tap();
    await phone.getByTestId("log-done").tap();
    await eventually(async () => {
      const contacts = (await get(ts.url, club.rep1.token, "/contacts")).items as Json[];
      return contacts.length === 1 && contacts[0].promotionId === asked[0].id;
    });

    // The desk counts it, live.
    await expect
      .poll(
        () => desk.locator(`[data-testid="promotion-row"][data-id="${asked[0].id}"] [data-testid="promotion-contacts"]`).textContent(),
        {
          timeout: 10_000,
        },
      )
      .toBe("1");
    await desk.screenshot({ animations: "disabled", path: `${shots}/manager-promotions.png` });
  });
});
