import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";

// A club moves its customers between its own files and the app: an export of the
// customers, in English or Chinese, imports as it is (ids, dates and derived figures
// such as the tier are read past; the owner comes back by e-mail).
let t: TestServer;
let c: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "reimport");
  await newCustomer(t.url, c.rep1.token, { name: "华润置地（北京）有限公司", status: "prospect", profile: { phone: "01065052288" } });
  await newCustomer(t.url, c.manager.token, { name: "李先生", kind: "individual", status: "active", ownerId: c.rep2.id });
});
afterAll(() => t?.close());

const names = async () =>
  ((await call(t.url, "GET", "/customers?limit=200&sort=name", { token: c.manager.token })).body.items as Json[]).map(
    (x) => `${x.name}/${x.ownerId === c.rep1.id ? "rep1" : "rep2"}/${x.status}`,
  );

describe("an exported file imports as it is", () => {
  for (const lang of ["zh-CN", "en", ""]) {
    it(`the ${lang || "plain"} export`, async () => {
      const before = await names();
      const res = await fetch(`${t.url}/api/v1/customers/export.csv?status=prospect${lang ? `&lang=${lang}` : ""}`, {
        headers: { authorization: `Bearer ${c.manager.token}` },
      });
      expect(res.status).toBe(200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const imported = await call(t.url, "POST", "/customers/import", {
        token: c.manager.token,
        // the file as it was downloaded, BOM included
        raw: Buffer.from(bytes).toString("utf8"),
        headers: { "content-type": "text/csv" },
      });
      expect(imported.status, JSON.stringify(imported.body)).toBe(201);
      const after = await names();
      // Every exported prospect came back once more, owned by the same rep; nothing else changed.
      const prospects = before.filter((n) => n.endsWith("/prospect"));
      expect(prospects.length).toBeGreaterThan(0);
      expect(after.length).toBe(before.length + prospects.length);
      expect(after.filter((n) => n.endsWith("/prospect")).sort()).toEqual([...prospects, ...prospects].sort());
    });
  }
});
