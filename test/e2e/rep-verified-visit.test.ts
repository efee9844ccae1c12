import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { rowsOf, sql } from "@clubhouse/db";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distanceMeters } from "../../server/src/regulation/visit-check.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { cuttableProxy, eventually, get, launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

// Verified visits on a 360×740 phone, Chinese first (第六条: 如实反映…不得弄虚作假):
// Chromium's geolocation emulation stands at the customer, 2 km away, or is refused;
// the position read at logging travels with a contact logged offline; a rep pins a
// customer that had no location. What the phone shows is checked against what the
// server stored (the API and the database).

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(shots, { recursive: true });

/** 天安门广场: the pinned customer's door. */
const PIN = { lat: 39.9087, lng: 116.3975 };
/** Metres north of the pin, in degrees of latitude (one degree ≈ 111.2 km). */
const north = (m: number) => ({ latitude: PIN.lat + m / 111_195, longitude: PIN.lng });

describe("verified visits on the rep's phone", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-verified");
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const pinned = async (name: string) => {
    const c = await newCustomer(ts.url, club.rep1.token, { name, status: "active" });
    const res = await call(ts.url, "PUT", `/customers/${c.id}/pin`, { token: club.manager.token, body: PIN });
    expect(res.status).toBe(200);
    return c as Json;
  };
  const contactsOf = async (customerId: string) =>
    (await get(ts.url, club.rep1.token, `/contacts?customerId=${customerId}`)).items as Json[];
  const storedPosition = async (contactId: string) =>
    rowsOf<{ lat: number; lng: number; accuracy_m: number; taken_at: Date }>(
      await ts.db.database.db.execute(
        sql`select lat, lng, accuracy_m, taken_at from contact_positions where tenant_id = ${club.tenantId}::uuid and contact_id = ${contactId}::uuid`,
      ),
    );
  const phone = (opts: BrowserContextOptions = {}) => newContext(browser, { ...PHONE, ...opts });
  const signedIn = async (ctx: BrowserContext, base = ts.url) => {
    const page = await ctx.newPage();
    await signInUi(page, base, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await page.getByTestId("log-contact").waitFor();
    return page;
  };
  const startVisit = async (page: Page, name: string, channel: "visit" | "demo" = "visit") => {
    await page.locator(`[data-testid="customer-row"][data-name="${name}"]`).tap();
    await page.getByTestId(`channel-${channel}`).tap();
  };
  const result = (page: Page) => page.getByTestId("log-check");
  const settled = async (page: Page) => {
    await expect.poll(() => result(page).getAttribute("data-state"), { timeout: 20_000 }).not.toBe("locating");
    return result(page).getAttribute("data-state");
  };

  it("at the customer: the first-time note, the position read once, 已核实在客户处 with the distance, stored with its accuracy", async () => {
    const c = await pinned("国贸大酒店");
    const at = north(60);
    const ctx = await phone({ permissions: ["geolocation"], geolocation: { ...at, accuracy: 18 } });
    const page = await signedIn(ctx);
    // First time, before a visit is chosen: what is read, when, who sees it, for how long.
    await page.locator(`[data-testid="customer-row"][data-name="${c.name}"]`).tap();
    const note = page.getByTestId("position-note");
    await note.waitFor();
    expect(await note.textContent()).toContain("90 天后自动删除");
    await expectAccessible(page);
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-visit-note.png` });
    await page.getByTestId("channel-visit").tap();
    // No pin box: the customer has a location.
    await page.getByTestId("outcome-interested").waitFor();
    expect(await page.getByTestId("pin-here").count()).toBe(0);

    await page.getByTestId("outcome-interested").tap();
    expect(await settled(page)).toBe("on_site");
    const expected = distanceMeters(PIN, { lat: at.latitude, lng: at.longitude });
    const text = await page.getByTestId("log-check-text").textContent();
    expect(text).toContain("已核实在客户处");
    expect(text).toContain(`${expected} 米`);
    expect(await result(page).textContent()).toContain("精度 ±18 米");
    await expectAccessible(page);
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-verified-visit.png` });
    await page.getByTestId("log-done").tap();

    const [contact] = await eventually(
      async () => {
        const items = await contactsOf(c.id);
        return items.length === 1 ? items : undefined;
      },
      20_000,
      "the visit on the server",
    );
    expect(contact.check).toMatchObject({ state: "on_site", distanceM: expected, accepted: null });
    expect(contact.position).toMatchObject({ lat: at.latitude, lng: at.longitude, accuracy: 18 });
    const [row] = await storedPosition(contact.id);
    expect(row).toMatchObject({ lat: at.latitude, lng: at.longitude, accuracy_m: 18 });
    // The row on Home says so once the server has it.
    await expect.poll(() => page.locator(`[data-name="${c.name}"] [data-testid="sent-chip"]`).textContent()).toContain("已核实");
    await page.locator(`[data-name="${c.name}"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-visit-home.png` });

    // Read once, then never again: the note is not shown a second time, and a phone call reads no position.
    await page.locator(`[data-testid="customer-row"][data-name="${c.name}"]`).tap();
    await page.getByTestId("channel-phone").waitFor();
    expect(await page.getByTestId("position-note").count()).toBe(0);
    await page.getByTestId("channel-phone").tap();
    await page.getByTestId("outcome-none").tap();
    await page.getByTestId("log-saved").waitFor();
    expect(await result(page).count()).toBe(0);
    await page.getByTestId("log-done").tap();
    const call2 = await eventually(async () => (await contactsOf(c.id)).find((x) => x.channel === "phone"), 20_000, "the call");
    expect(call2).toMatchObject({ check: null, position: null });
    await ctx.close();
  });

  it("2 km away: 不在客户附近 with the distance in km; the visit still counts, marked off site", async () => {
    const c = await pinned("中信银行总行工会");
    const at = north(2_050);
    const ctx = await phone({ permissions: ["geolocation"], geolocation: { ...at, accuracy: 25 } });
    const page = await signedIn(ctx);
    await startVisit(page, c.name, "demo");
    await page.getByTestId("outcome-signed").tap();
    expect(await settled(page)).toBe("off_site");
    const expected = distanceMeters(PIN, { lat: at.latitude, lng: at.longitude });
    const text = await page.getByTestId("log-check-text").textContent();
    expect(text).toContain("不在客户附近");
    expect(text).toContain(`${(expected / 1000).toFixed(1)} 公里`);
    expect(await result(page).textContent()).toContain("经理会看到标记");
    await expectAccessible(page);
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-visit-away.png` });
    // The server's verdict replaces the phone's own while the sheet is open (sent after a few quiet seconds).
    await expect.poll(() => page.getByTestId("log-check-source").textContent(), { timeout: 20_000 }).toContain("服务器已记录");
    await page.getByTestId("log-done").tap();
    const [contact] = await eventually(
      async () => {
        const items = await contactsOf(c.id);
        return items.length === 1 ? items : undefined;
      },
      20_000,
      "the demo on the server",
    );
    expect(contact).toMatchObject({ channel: "demo", check: { state: "off_site", distanceM: expected } });
    await ctx.close();
  });

  it("refused: 未取得位置, says what to do; the contact carries why and no position", async () => {
    const c = await pinned("北京燕莎友谊商城");
    const ctx = await phone({ permissions: [] });
    const page = await signedIn(ctx);
    await startVisit(page, c.name);
    await page.getByTestId("outcome-none").tap();
    expect(await settled(page)).toBe("no_position");
    expect(await page.getByTestId("log-check-text").textContent()).toContain("未取得位置");
    expect(await result(page).textContent()).toContain("请在浏览器设置中允许");
    await expectAccessible(page);
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-visit-denied.png` });
    await page.getByTestId("log-done").tap();
    const [contact] = await eventually(
      async () => {
        const items = await contactsOf(c.id);
        return items.length === 1 ? items : undefined;
      },
      20_000,
      "the visit on the server",
    );
    expect(contact).toMatchObject({ check: { state: "no_position", distanceM: null }, position: null });
    expect(await storedPosition(contact.id)).toEqual([]);
    await ctx.close();
  });

  it("offline: the position read at logging waits with the contact and arrives with it", async () => {
    const c = await pinned("联想集团行政部");
    const at = north(120);
    const network = await cuttableProxy(ts.url);
    const ctx = await phone({ permissions: ["geolocation"], geolocation: { ...at, accuracy: 30 } });
    const page = await signedIn(ctx, network.url);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 20_000 });
    network.cut();
    await ctx.setOffline(true);
    const loggedAt = Date.now();
    await startVisit(page, c.name);
    await page.getByTestId("outcome-interested").tap();
    // The phone judges with the pin it holds; the server confirms later.
    expect(await settled(page)).toBe("on_site");
    expect(await page.getByTestId("log-check-source").textContent()).toContain("以服务器收到后的核实为准");
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-visit-offline.png` });
    await page.getByTestId("log-done").tap();
    await expect.poll(() => page.getByTestId("outbox-banner").textContent()).toContain("1 条联系记录");
    // Moved on meanwhile: the position sent later is the one read at logging.
    await ctx.setGeolocation({ ...north(5_000), accuracy: 10 });
    expect(await contactsOf(c.id)).toHaveLength(0);

    network.restore();
    await ctx.setOffline(false);
    const [contact] = await eventually(
      async () => {
        const items = await contactsOf(c.id);
        return items.length === 1 ? items : undefined;
      },
      40_000,
      "the queued visit on the server",
    );
    const expected = distanceMeters(PIN, { lat: at.latitude, lng: at.longitude });
    expect(contact.check).toMatchObject({ state: "on_site", distanceM: expected });
    expect(contact.position).toMatchObject({ lat: at.latitude, lng: at.longitude, accuracy: 30 });
    const takenAt = Date.parse(contact.position.takenAt);
    expect(takenAt).toBeGreaterThanOrEqual(loggedAt - 60_000);
    expect(takenAt).toBeLessThanOrEqual(loggedAt + 20_000);
    await page.getByTestId("outbox-banner").waitFor({ state: "detached", timeout: 20_000 });
    await ctx.close();
    await network.close();
  });

  it("a customer with no location: the card says so, 'I am at this customer' pins it, later visits are checked against it", async () => {
    const c = await newCustomer(ts.url, club.rep1.token, { name: "小米科技市场部", status: "prospect" });
    const at = north(0);
    const ctx = await phone({ permissions: ["geolocation"], geolocation: { ...at, accuracy: 12 } });
    const page = await signedIn(ctx);
    await page.goto(`${ts.url}/c/${c.id}`);
    const pinFact = page.getByTestId("card-pin");
    await expect.poll(() => pinFact.getAttribute("data-pinned")).toBe("no");
    expect(await pinFact.textContent()).toContain("未标记位置");

    await page.getByTestId("card-log").tap();
    await page.getByTestId("channel-visit").tap();
    await page.getByTestId("pin-here").check();
    await expectAccessible(page);
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-visit-pin-here.png` });
    await page.getByTestId("outcome-interested").tap();
    expect(await settled(page)).toBe("pinned");
    expect(await page.getByTestId("log-check-text").textContent()).toContain("已在此标记客户位置");
    await page.getByTestId("log-done").tap();

    const customer = await eventually(
      async () => {
        const x = await get(ts.url, club.rep1.token, `/customers/${c.id}`);
        return x.pin ? x : undefined;
      },
      20_000,
      "the customer's pin",
    );
    expect(customer.pin).toMatchObject({ lat: at.latitude, lng: at.longitude, source: "visit", by: club.rep1.id, byName: "张伟" });
    // The visit that pinned it had no pin to be checked against.
    const [first] = await contactsOf(c.id);
    expect(first.check).toMatchObject({ state: "no_pin" });
    await expect.poll(() => pinFact.getAttribute("data-pinned"), { timeout: 20_000 }).toBe("yes");
    expect(await pinFact.textContent()).toContain("张伟");
    await expect.poll(() => page.getByTestId("check-chip").first().getAttribute("data-state")).toBe("no_pin");
    await pinFact.evaluate((e) => e.scrollIntoView({ block: "start" }));
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-card-pinned.png` });

    // Next visit: no pin box, checked against the pin.
    await page.getByTestId("card-log").tap();
    await page.getByTestId("channel-visit").tap();
    expect(await page.getByTestId("pin-here").count()).toBe(0);
    await page.getByTestId("outcome-none").tap();
    expect(await settled(page)).toBe("on_site");
    await page.getByTestId("log-done").tap();
    await eventually(async () => ((await contactsOf(c.id)).length === 2 ? true : undefined), 20_000, "the second visit");
    const latest = (await contactsOf(c.id)).find((x) => x.id !== first.id);
    expect(latest.check).toMatchObject({ state: "on_site", distanceM: 0 });
    await ctx.close();
  });
});
