import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { DESKTOP, launchBrowser, newContext, PASSWORDS, PHONE, seedClub, signInUi, startLiveClockServer } from "./support.ts";

// The app under its Content-Security-Policy (http/headers.ts) in a real Chromium: the shell,
// a rep's home, the manager's board (live over socket.io) and analysis (ECharts, its
// tooltip included), and the printable certificate, with not one violation.
describe("Content-Security-Policy in the browser", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Awaited<ReturnType<typeof seedClub>>;
  const lastYear = String(new Date().getUTCFullYear() - 1);

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await seedClub(ts.url, "e2e-csp");
    // a champion of last year, for the certificate
    const cu: Json = await newCustomer(ts.url, club.manager.token, { name: "证书客户", ownerId: club.rep1.id, status: "active" });
    const target = await call(ts.url, "PUT", `/targets/${club.rep1.id}/${lastYear}-06`, {
      token: club.manager.token,
      body: { amount: 1000 },
    });
    expect(target.status).toBe(200);
    await addRevenue(ts.url, club.manager.token, { customerId: cu.id, amount: 50_000, occurredAt: `${lastYear}-06-15T10:00:00+08:00` });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  /** Every CSP violation the page reports: `securitypolicyviolation` events and the console's "Refused to …". */
  async function watched(ctx: BrowserContext): Promise<{ page: Page; violations: string[] }> {
    const violations: string[] = [];
    await ctx.exposeBinding("__cspViolation", (_source, text: string) => void violations.push(text));
    await ctx.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        const report = (window as unknown as { __cspViolation: (t: string) => void }).__cspViolation;
        report(
          `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} (${location.pathname})`,
        );
      });
    });
    const page = await ctx.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`console: ${m.text()}`);
    });
    return { page, violations };
  }

  it("the shell and a rep's home", async () => {
    const ctx = await newContext(browser, PHONE);
    const { page, violations } = await watched(ctx);
    const shell = await page.goto(ts.url);
    expect(shell?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await signInUi(page, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await page.getByTestId("log-contact").waitFor();
    await page.getByTestId("meter-pace").waitFor();
    // the service worker registers and controls the page (its script is same-origin)
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.active?.state ?? null)))
      .toBe("activated");
    await page.reload();
    await page.getByTestId("log-contact").waitFor();
    // the manifest loads (manifest-src)
    expect(await page.evaluate(() => fetch("/manifest.webmanifest").then((r) => r.status))).toBe(200);
    await page.waitForTimeout(500);
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it("the manager's live board and analysis with its charts and tooltips", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const { page, violations } = await watched(ctx);
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.getByTestId("board-row").first().waitFor();
    // the live channel is up: socket.io's websocket to the same origin is allowed by connect-src 'self'
    await page.locator(".live-dot.on").first().waitFor();
    await page.goto(`${ts.url}/analysis`);
    const charts = page.locator(".chart canvas");
    await charts.first().waitFor();
    expect(await charts.count()).toBeGreaterThanOrEqual(1);
    // hover across the chart: ECharts draws its tooltip
    const box = (await page.locator(".chart").first().boundingBox())!;
    for (let x = 0.2; x <= 0.8; x += 0.15) {
      await page.mouse.move(box.x + box.width * x, box.y + box.height * 0.5);
      await page.waitForTimeout(150);
    }
    await page.waitForTimeout(500);
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it("every screen of the app's router, as a manager and as a rep", async () => {
    // The screens are read from the router (web/src/App.tsx), so a new screen is visited too.
    const app = readFileSync(fileURLToPath(new URL("../../web/src/App.tsx", import.meta.url)), "utf8");
    const routes = [...app.matchAll(/<Route path="([^"]+)"/g)].map((m) => m[1]!);
    expect(routes.length).toBeGreaterThan(15);
    const fill = (path: string) =>
      path
        .replace(/\/:[A-Za-z]+\?/g, "")
        .replace(":id", path.startsWith("/c/") ? club.customers[0].id : club.rep1.id)
        .replace(":kind", "overdue")
        .replace(/^\*$/, "/no-such-screen") || "/";
    const paths = routes.map(fill);
    expect(paths.some((p) => p.includes(":"))).toBe(false);
    const screens = { manager: paths, rep: paths };
    for (const [who, paths] of Object.entries(screens)) {
      const ctx = await newContext(browser, who === "rep" ? PHONE : DESKTOP);
      const { page, violations } = await watched(ctx);
      const [email, password] = who === "rep" ? [`rep1@${club.slug}.test`, PASSWORDS.rep1] : [`mgr@${club.slug}.test`, PASSWORDS.manager];
      await signInUi(page, ts.url, club.slug, email, password);
      if (who === "rep") await page.getByTestId("log-contact").waitFor();
      else await page.waitForURL(/\/board$/);
      for (const path of paths) {
        await page.goto(`${ts.url}${path}`);
        await page.waitForLoadState("networkidle");
      }
      expect(violations, who).toEqual([]);
      await ctx.close();
    }
  });

  it("the printable certificate", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const { page, violations } = await watched(ctx);
    await signInUi(page, ts.url, club.slug, `rep2@${club.slug}.test`, PASSWORDS.rep2);
    await page.getByTestId("log-contact").waitFor();
    const res = await page.goto(`${ts.url}/api/v1/awards/${lastYear}/certificate/${club.rep1.id}`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()["content-security-policy"]).toMatch(/style-src 'sha256-/);
    await page.locator(".sheet").waitFor();
    // its style sheet applied: the frame's double gold border
    expect(await page.locator(".frame").evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe("double");
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
    await ctx.close();
  });
});
