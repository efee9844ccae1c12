import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

/**
 * SPEC §9: each refused field carries a stable code and its parameters, so a client
 * words it in its reader's language instead of showing the server's English line.
 */
let t: TestServer;
let club: Club;
let customer: Json;
beforeAll(async () => {
  t = await startTestServer();
  club = await makeClub(t.url, `codes-${Date.now().toString(36)}`);
  customer = await newCustomer(t.url, club.rep1.token, { name: "华润置地", status: "prospect" });
});
afterAll(() => t?.close());

type Case = {
  name: string;
  who?: "rep1" | "manager" | "admin";
  method: string;
  path: () => string;
  body?: () => unknown;
  status: number;
  field: string;
  expected: Record<string, unknown>;
};

const at = "2026-12-06T10:00:00+08:00";
const cases: Case[] = [
  {
    name: "more than two decimals",
    method: "POST",
    path: () => "/revenue",
    body: () => ({ customerId: customer.id, amount: 1.234, businessLine: "catering", occurredAt: at }),
    status: 400,
    field: "amount",
    expected: { code: "too_many_decimals", max: 2 },
  },
  {
    name: "an amount of zero",
    method: "POST",
    path: () => "/revenue",
    body: () => ({ customerId: customer.id, amount: 0, businessLine: "catering", occurredAt: at }),
    status: 400,
    field: "amount",
    expected: { code: "must_be_positive" },
  },
  {
    name: "an amount over the limit",
    method: "POST",
    path: () => "/revenue",
    body: () => ({ customerId: customer.id, amount: 2e12, businessLine: "catering", occurredAt: at }),
    status: 400,
    field: "amount",
    expected: { code: "too_large", max: 1e12 },
  },
  {
    name: "a missing field",
    method: "POST",
    path: () => "/revenue",
    body: () => ({ customerId: customer.id, amount: 10, occurredAt: at }),
    status: 400,
    field: "businessLine",
    expected: { code: "required" },
  },
  {
    name: "a line the club does not have",
    method: "POST",
    path: () => "/revenue",
    body: () => ({ customerId: customer.id, amount: 10, businessLine: "casino", occurredAt: at }),
    status: 400,
    field: "businessLine",
    expected: { code: "unknown_business_line", values: ["membership", "catering", "spa", "rooms", "golf", "fitness"] },
  },
  {
    name: "money dated in the future",
    method: "POST",
    path: () => "/revenue",
    body: () => ({ customerId: customer.id, amount: 10, businessLine: "catering", occurredAt: "2099-01-01T00:00:00+08:00" }),
    status: 400,
    field: "occurredAt",
    expected: { code: "in_future" },
  },
  {
    name: "money dated before 2000",
    method: "POST",
    path: () => "/revenue",
    body: () => ({ customerId: customer.id, amount: 10, businessLine: "catering", occurredAt: "1999-12-31T00:00:00+08:00" }),
    status: 400,
    field: "occurredAt",
    expected: { code: "too_early", min: "2000-01-01" },
  },
  {
    name: "a time without an offset",
    method: "POST",
    path: () => "/revenue",
    body: () => ({ customerId: customer.id, amount: 10, businessLine: "catering", occurredAt: "2026-12-01" }),
    status: 400,
    field: "occurredAt",
    expected: { code: "invalid_format", format: "datetime" },
  },
  {
    name: "a channel not offered",
    method: "POST",
    path: () => "/contacts",
    body: () => ({ customerId: customer.id, channel: "pigeon" }),
    status: 400,
    field: "channel",
    expected: { code: "invalid_choice", values: ["visit", "demo", "phone", "letter"] },
  },
  {
    name: "an unknown field",
    who: "manager",
    method: "POST",
    path: () => "/users",
    body: () => ({ email: "a@b.test", name: "甲", role: "rep", password: "long enough pass", admin: true }),
    status: 400,
    field: "body",
    expected: { code: "unknown_field", keys: ["admin"] },
  },
  {
    name: "a too short password",
    who: "manager",
    method: "POST",
    path: () => "/users",
    body: () => ({ email: "a@b.test", name: "甲", role: "rep", password: "x" }),
    status: 400,
    field: "password",
    expected: { code: "too_short" },
  },
  {
    name: "a bad e-mail",
    who: "manager",
    method: "POST",
    path: () => "/users",
    body: () => ({ email: "not-mail", name: "甲", role: "rep", password: "long enough pass" }),
    status: 400,
    field: "email",
    expected: { code: "invalid_format", format: "email" },
  },
  {
    name: "a taken e-mail",
    who: "manager",
    method: "POST",
    path: () => "/users",
    body: () => ({ email: `rep1@${club.slug}.test`, name: "甲", role: "rep", password: "long enough pass" }),
    status: 409,
    field: "email",
    expected: { code: "taken" },
  },
  {
    name: "a month that is not a month",
    who: "manager",
    method: "GET",
    path: () => "/quota?month=2026-13",
    status: 400,
    field: "month",
    expected: { code: "invalid_format", format: "month" },
  },
  {
    name: "a page limit over 200",
    method: "GET",
    path: () => "/customers?limit=500",
    status: 400,
    field: "limit",
    expected: { code: "too_large", max: 200 },
  },
  {
    name: "a patch with nothing in it",
    method: "PATCH",
    path: () => `/customers/${customer.id}`,
    body: () => ({}),
    status: 400,
    field: "body",
    expected: { code: "nothing_to_change" },
  },
  {
    name: "a diary of a day to come",
    method: "PUT",
    path: () => "/diary/2099-01-01",
    body: () => ({ notes: "x" }),
    status: 422,
    field: "date",
    expected: { code: "in_future" },
  },
  {
    name: "tier B not below tier A",
    who: "admin",
    method: "PATCH",
    path: () => "/settings",
    body: () => ({ tierA: 5000, tierB: 6000 }),
    status: 422,
    field: "tierB",
    expected: { code: "below_tier_a" },
  },
];

describe("every refused field carries a code and its parameters", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const token = club[c.who ?? "rep1"].token;
      const res = await call(t.url, c.method, c.path(), { token, ...(c.body ? { body: c.body() } : {}) });
      expectErrorShape(res, c.status);
      expect(res.body.error.fieldCodes[c.field]).toMatchObject(c.expected);
      // The English line stays for logs and older clients.
      expect(typeof res.body.error.fields[c.field]).toBe("string");
    });
  }

  it("a CSV file's refused rows carry their codes by line", async () => {
    const csv = "customerId,amount,businessLine,occurredAt\nnot-a-customer,1.234,casino,12/01/2026\n";
    const res = await call(t.url, "POST", "/revenue/import", {
      token: club.manager.token,
      raw: csv,
      headers: { "content-type": "text/csv; charset=utf-8" },
    });
    expectErrorShape(res, 400, "validation_failed");
    expect(res.body.error.fieldCodes).toMatchObject({
      "line 2.customerId": { code: "unknown_name" },
      "line 2.amount": { code: "invalid_format", format: "amount" },
      "line 2.businessLine": { code: "unknown_business_line" },
      "line 2.occurredAt": { code: "invalid_format", format: "datetime" },
    });
  });
});
