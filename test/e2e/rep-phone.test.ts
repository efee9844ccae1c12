import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Club } from "../support/club.ts";
import { makeClub, newCustomer } from "../support/club.ts";
import type { TestServer } from "../support/harness.ts";
import { cuttableProxy, eventually, get, launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

// A rep on a 360×740 phone: three taps log a contact; offline contacts wait on the
// device and reach the server exactly once when the network returns.
describe("rep on a phone", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  let customers: { id: string; name: string }[];

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-phone");
    customers = [];
    for (const name of ["华润置地", "中信银行工会", "国贸大酒店"]) {
      customers.push(await newCustomer(ts.url, club.rep1.token, { name, status: "active" }));
    }
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const contactsOf = async (customerId: string) =>
    (await get(ts.url, club.rep1.token, `/contacts?customerId=${customerId}`)).items as { channel: string; outcome: string }[];

  it("logs a contact in three taps from the home screen", async () => {
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    const row = page.locator('[data-testid="customer-row"][data-name="国贸大酒店"]');
    await row.waitFor();
    // The targets are big enough for a thumb (at least 44 px).
    const box = await row.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44);

    await row.tap(); // 1: the customer
    await page.getByTestId("channel-visit").tap(); // 2: the channel
    await page.getByTestId("outcome-interested").tap(); // 3: the outcome, which saves
    await page.getByTestId("log-saved").waitFor();

    const target = customers[2]!;
    const stored = await eventually(
      async () => {
        const items = await contactsOf(target.id);
        return items.length === 1 ? items : undefined;
      },
      20_000,
      "the contact on the server",
    );
    expect(stored[0]).toMatchObject({ channel: "visit", outcome: "interested" });
    // Once the server has it, the row says so instead of "pending".
    await page.getByTestId("log-done").tap();
    await page.locator('[data-name="国贸大酒店"] [data-testid="sent-chip"]').waitFor();
    await ctx.close();
  });

  it("keeps contacts logged offline on the phone and sends each exactly once when back online", async () => {
    const offlineCustomers = [
      await newCustomer(ts.url, club.rep1.token, { name: "华润置地-离线", status: "active" }),
      await newCustomer(ts.url, club.rep1.token, { name: "中信银行工会-离线", status: "active" }),
    ];
    // The phone reaches the server through a network the test can cut (and the test
    // reads the server directly, past it).
    const network = await cuttableProxy(ts.url);
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    await signInUi(page, network.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await page.locator('[data-testid="customer-row"]').first().waitFor();
    // The service worker has the shell once it controls the page.
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 20_000 });

    network.cut();
    await ctx.setOffline(true);
    const log = async (name: string, channel: string, outcome: string) => {
      await page.locator(`[data-testid="customer-row"][data-name="${name}"]`).tap();
      await page.getByTestId(`channel-${channel}`).tap();
      await page.getByTestId(`outcome-${outcome}`).tap();
      await page.getByTestId("log-done").tap();
      await page.getByTestId("log-sheet").waitFor({ state: "detached" });
    };
    await log(offlineCustomers[0]!.name, "visit", "signed");
    await log(offlineCustomers[1]!.name, "phone", "none");

    await expect.poll(() => page.getByTestId("outbox-banner").textContent(), { timeout: 10_000 }).toContain("2");
    await expect.poll(() => page.getByTestId("pending-chip").count(), { timeout: 10_000 }).toBe(2);

    // Closing the app offline loses nothing: the shell comes from the service worker,
    // the queue from the device.
    await page.reload();
    await page.getByTestId("outbox-banner").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("outbox-banner").textContent()).toContain("2");
    expect(await contactsOf(offlineCustomers[0]!.id)).toHaveLength(0);
    expect(await contactsOf(offlineCustomers[1]!.id)).toHaveLength(0);

    network.restore();
    await ctx.setOffline(false);
    await eventually(
      async () => (await contactsOf(offlineCustomers[0]!.id)).length === 1 && (await contactsOf(offlineCustomers[1]!.id)).length === 1,
      30_000,
      "both contacts stored",
    );
    await page.getByTestId("outbox-banner").waitFor({ state: "detached" });
    // Give any duplicate send time to land, then count again: exactly two.
    await new Promise((r) => setTimeout(r, 2_000));
    const all = (await get(ts.url, club.rep1.token, `/contacts?repId=${club.rep1.id}&limit=50`)).items as { customerId: string }[];
    const offline = all.filter((c) => c.customerId === offlineCustomers[0]!.id || c.customerId === offlineCustomers[1]!.id);
    expect(offline).toHaveLength(2);
    expect(await contactsOf(offlineCustomers[0]!.id)).toMatchObject([{ channel: "visit", outcome: "signed" }]);
    expect(await contactsOf(offlineCustomers[1]!.id)).toMatchObject([{ channel: "phone", outcome: "none" }]);
    await ctx.close();
    await network.close();
  });
});
