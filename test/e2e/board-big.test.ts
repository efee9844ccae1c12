import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BigClub, seedBigClub } from "../support/big-club.ts";
import { addRevenue } from "../support/club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";
import { DESKTOP, launchBrowser, newContext, signInUi } from "./support.ts";

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
/** 600 in the suite; `BOARD_REPS=2000` measures the margin the product promises (the figures print). */
const REPS = Number(process.env.BOARD_REPS ?? 600);

// The manager's board for a club of 600 reps in Chromium: only a screenful of rows
// in the DOM, a cheap period switch, no long frame during a burst of writes, and no
// HTTP request from the open board because of a write (everything comes by deltas).
describe("the board of a big club", () => {
  let ts: TestServer;
  let big: BigClub;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let customers: { id: string }[];
  const api: string[] = [];

  beforeAll(async () => {
    ts = await startTestServer({}, new Date().toISOString(), "postgres");
    ts.clock.now = () => new Date();
    big = await seedBigClub(ts, { reps: REPS, customers: REPS * 20, contactsEarlier: REPS * 17 });
    const sql = postgres(ts.db.url!, { max: 1, onnotice: () => {} });
    customers = await sql<
      { id: string }[]
    >`select id from customers where tenant_id = ${big.tenantId} and status = 'active' order by id limit 20`;
    await sql.end();
    ({ browser, close: closeBrowser } = await launchBrowser());
    const ctx = await newContext(browser, DESKTOP);
    page = await ctx.newPage();
    page.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/api/")) api.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await signInUi(page, ts.url, big.slug, big.manager.email, big.manager.password);
    await page.waitForURL(/\/board$/);
    await page.getByTestId("board-row").first().waitFor();
    await page.locator(".live-dot.on").first().waitFor();
  }, 240_000);
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("holds only a screenful of rows, tells the table's size, and shows the server's counts", async () => {
    const rows = await page.getByTestId("board-row").count();
    const rowcount = await page.getByTestId("board-table").getAttribute("aria-rowcount");
    console.log(`board of ${REPS} reps: ${rows} rows in the DOM, aria-rowcount ${rowcount}`);
    expect(rows).toBeLessThan(100);
    expect(Number(rowcount)).toBeGreaterThanOrEqual(REPS);
    // Contacts today: the server's total (thousands), not a sum of pages.
    await expect.poll(() => page.getByTestId("board-today-total").textContent()).toBe(big.counts.contactsToday.toLocaleString("zh-CN"));
    // The badge: the server's count of unacknowledged (and not cleared) alarms, as the list's filter means it.
    const sql = postgres(ts.db.url!, { max: 1, onnotice: () => {} });
    const [open] = await sql<{ n: number }[]>`select count(*)::int as n from alarms
      where tenant_id = ${big.tenantId} and acknowledged_at is null and cleared_at is null`;
    await sql.end();
    expect(open?.n).toBeGreaterThan(50);
    await expect.poll(() => page.getByTestId("alarm-count").textContent()).toBe(String(open?.n));
    // Scrolled to the foot, the last rank is there, still with few rows in the DOM.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect
      .poll(() => page.locator('[data-testid="board-row"] .rank').last().textContent())
      .toBe(rowcount ? String(Number(rowcount) - 1) : "");
    expect(await page.getByTestId("board-row").count()).toBeLessThan(100);
    await page.evaluate(() => window.scrollTo(0, 0));
    if (REPS === 600) await page.screenshot({ animations: "disabled", path: `${shots}/board-big.png` });
  });

  it("switches period in under 300 ms", async () => {
    const times: number[] = [];
    for (const label of [1, 2, 0]) {
      const ms = await page.evaluate(async (text) => {
        const button = document.querySelectorAll<HTMLButtonElement>("fieldset.seg button")[text];
        if (!button) throw new Error(`no ${text} button`);
        const t0 = performance.now();
        button.click();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return performance.now() - t0;
      }, label);
      times.push(Math.round(ms));
    }
    console.log(`period switch (click to the next painted frame), ms: ${times.join(", ")}`);
    for (const ms of times) expect(ms).toBeLessThan(300);
  });

  // The frame budget (no frame over 50 ms) is measured and printed; only a gross stall is asserted.
  it("a burst of 20 writes in 3 s, one raising a pace alarm and one clearing one: no HTTP request, a screenful of rows", async () => {
    const sql = postgres(ts.db.url!, { max: 1, onnotice: () => {} });
    // A rep on pace (no open alarm) whose target moves out of reach: a pace alarm is raised.
    const [calm] = await sql<{ id: string; name: string }[]>`
      select u.id, u.name from users u
      where u.tenant_id = ${big.tenantId} and u.role = 'rep' and u.disabled_at is null
        and not exists (select 1 from alarms a where a.tenant_id = u.tenant_id and a.rep_id = u.id and a.cleared_at is null)
      order by u.id limit 1`;
    // The newest rep with an open pace alarm, shown in the panel: a sale far above target clears it.
    const [behind] = await sql<{ id: string; alarm: string; customer: string; target: number }[]>`
      select a.rep_id as id, a.id as alarm, c.id as customer, t.amount_fen / 100.0 as target
      from alarms a
      join targets t on t.tenant_id = a.tenant_id and t.rep_id = a.rep_id and t.month = ${big.month}
      join lateral (select id from customers where tenant_id = a.tenant_id and owner_id = a.rep_id and status = 'active' order by id limit 1) c on true
      where a.tenant_id = ${big.tenantId} and a.kind = 'pace' and a.cleared_at is null and a.acknowledged_at is null
      order by a.raised_at desc, a.id desc limit 1`;
    const unacknowledged = async () =>
      (
        await sql<{ n: number }[]>`select count(*)::int as n from alarms
          where tenant_id = ${big.tenantId} and acknowledged_at is null and cleared_at is null`
      )[0]!.n;
    expect(calm && behind).toBeTruthy();
    const badgeBefore = await page.getByTestId("alarm-count").textContent();
    expect(await page.locator(`[data-testid="alarm"][data-alarm="${behind!.alarm}"]`).count()).toBe(1);

    await page.evaluate(() => {
      const w = window as unknown as { longFrames: number[]; gaps: number[] };
      w.longFrames = [];
      w.gaps = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longFrames.push(e.duration);
      }).observe({ type: "long-animation-frame", buffered: false });
      let last = performance.now();
      const frame = (now: number) => {
        w.gaps.push(now - last);
        last = now;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    api.length = 0;
    const clubTotal = () => page.locator(".board-summary dd").first().textContent();
    const before = await clubTotal();
    for (let i = 0; i < 20; i++) {
      if (i === 6) {
        const res = await call(ts.url, "PUT", `/targets/${calm!.id}/${big.month}`, {
          token: big.manager.token,
          body: { amount: 90_000_000 },
        });
        expect(res.status).toBe(200);
      } else if (i === 13) {
        await addRevenue(ts.url, big.manager.token, {
          customerId: behind!.customer,
          amount: Math.ceil(Number(behind!.target) * 2),
          occurredAt: new Date().toISOString(),
        });
      } else {
        await addRevenue(ts.url, big.manager.token, {
          customerId: customers[i]!.id,
          amount: 50_000 + i * 1_000,
          occurredAt: new Date().toISOString(),
        });
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    await new Promise((r) => setTimeout(r, 1_500));
    const { longFrames, gaps } = await page.evaluate(() => {
      const w = window as unknown as { longFrames: number[]; gaps: number[] };
      return { longFrames: w.longFrames, gaps: w.gaps };
    });
    const maxGap = Math.round(Math.max(...gaps));
    const worst = Math.round(Math.max(0, ...longFrames));
    console.log(
      `burst of 20 writes: long animation frames (>50 ms) ${longFrames.length} ${JSON.stringify(longFrames.map(Math.round))}, worst ${worst} ms, longest rAF gap ${maxGap} ms, /api requests ${api.length}`,
    );
    // Everything came by deltas: not one request from the page, not even for the alarms.
    expect(api).toEqual([]);
    // A gross stall only (the 50 ms budget is read from the printout, not asserted on a shared machine).
    expect(maxGap).toBeLessThan(1_000);
    // The writes reached the board (its club total moved), by deltas alone.
    expect(await clubTotal()).not.toBe(before);
    expect(await page.getByTestId("board-row").count()).toBeLessThan(100);
    // The raised alarm heads the panel, the cleared one left it, and the badge is the server's count.
    const [raised] = await sql<{ id: string }[]>`select id from alarms
      where tenant_id = ${big.tenantId} and rep_id = ${calm!.id} and kind = 'pace' and cleared_at is null`;
    expect(raised).toBeTruthy();
    await expect.poll(() => page.getByTestId("alarm").first().getAttribute("data-alarm")).toBe(raised!.id);
    await expect.poll(() => page.getByTestId("alarm").first().locator(".alarm-who").textContent()).toBe(calm!.name);
    expect(await page.locator(`[data-testid="alarm"][data-alarm="${behind!.alarm}"]`).count()).toBe(0);
    const open = await unacknowledged();
    await expect.poll(() => page.getByTestId("alarm-count").textContent()).toBe(String(open));
    console.log(`alarm badge: ${badgeBefore} → ${open}`);
    expect(await page.getByTestId("alarms-shown").textContent()).toContain(String(open));
    await sql.end();
    if (REPS === 600) await page.screenshot({ animations: "disabled", path: `${shots}/board-big-after-burst.png` });
    expect(api).toEqual([]);
  });

  it("reads older alarms after the live ones, and acknowledging one takes it off at once", async () => {
    api.length = 0;
    const first = await page.getByTestId("alarm").count();
    expect(first).toBe(50);
    const lastLive = await page.getByTestId("alarm").nth(49).getAttribute("data-alarm");
    await page.getByTestId("alarms-more").click();
    await expect.poll(() => page.getByTestId("alarm").count()).toBeGreaterThan(50);
    expect(api).toEqual(["GET /api/v1/alarms"]);
    // The older page starts right after the last live one: no alarm twice.
    const ids = await page.getByTestId("alarm").evaluateAll((els) => els.map((e) => e.getAttribute("data-alarm")));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[49]).toBe(lastLive);
    const top = ids[0]!;
    api.length = 0;
    await page.getByTestId("alarm").first().getByRole("button", { name: "确认", exact: true }).click();
    await expect.poll(() => page.locator(`[data-testid="alarm"][data-alarm="${top}"]`).count()).toBe(0);
    // The acknowledgement, and (its delta moved the live list's end) the older page again from the new end.
    expect(api[0]).toBe(`POST /api/v1/alarms/${top}/acknowledge`);
    for (const r of api.slice(1)) expect(r).toBe("GET /api/v1/alarms");
  });

  it("slides rows to their new rank, only rows on screen, and none for a reader who prefers less motion", async () => {
    const sql = postgres(ts.db.url!, { max: 1, onnotice: () => {} });
    const two = await sql<{ id: string; owner: string }[]>`
      select distinct on (owner_id) id, owner_id as owner from customers
      where tenant_id = ${big.tenantId} and status = 'active' order by owner_id, id limit 2`;
    await sql.end();
    await page.evaluate(() => window.scrollTo(0, 0));
    const top = () => page.getByTestId("board-row").first().getAttribute("data-rep");
    const rowAnimations = () =>
      page.evaluate(() => {
        const rows = document
          .getAnimations()
          .map((a) => (a.effect as KeyframeEffect | null)?.target)
          .filter((el): el is Element => el instanceof Element && el.matches("tr.board-row"));
        const off = rows.filter((el) => {
          const r = el.getBoundingClientRect();
          return r.bottom <= 0 || r.top >= innerHeight;
        });
        return { n: rows.length, offscreen: off.length };
      });
    // Less motion: the rep takes the top place with no animation at all.
    await page.emulateMedia({ reducedMotion: "reduce" });
    await addRevenue(ts.url, big.manager.token, { customerId: two[0]!.id, amount: 50_000_000, occurredAt: new Date().toISOString() });
    await expect.poll(top).toBe(two[0]!.owner);
    await new Promise((r) => setTimeout(r, 100));
    expect(await rowAnimations()).toEqual({ n: 0, offscreen: 0 });
    // Motion: the rows that move slide (the new leader flashes), all of them on screen.
    await page.emulateMedia({ reducedMotion: "no-preference" });
    await addRevenue(ts.url, big.manager.token, { customerId: two[1]!.id, amount: 100_000_000, occurredAt: new Date().toISOString() });
    await expect.poll(top).toBe(two[1]!.owner);
    await expect.poll(async () => (await rowAnimations()).n, { interval: 20 }).toBeGreaterThan(0);
    expect((await rowAnimations()).offscreen).toBe(0);
  });
});
