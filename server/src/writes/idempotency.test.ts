import { describe, expect, it } from "vitest";
import { requestHash } from "./idempotency.ts";

describe("requestHash", () => {
  const base = { customerId: "c1", channel: "visit", occurredAt: null, outcome: "none", notes: null };

  it("is the same for the same request, whatever the key order", () => {
    const reordered = { notes: null, outcome: "none", occurredAt: null, channel: "visit", customerId: "c1" };
    expect(requestHash("POST /contacts", reordered)).toBe(requestHash("POST /contacts", base));
  });

  it.each([
    ["another channel", { ...base, channel: "phone" }],
    ["another time", { ...base, occurredAt: "2026-03-15T02:00:00.000Z" }],
    ["notes added", { ...base, notes: "x" }],
  ])("differs for %s", (_name, other) => {
    expect(requestHash("POST /contacts", other)).not.toBe(requestHash("POST /contacts", base));
  });

  it("differs between endpoints, so one key cannot serve two kinds of write", () => {
    expect(requestHash("POST /contacts/x/void", base)).not.toBe(requestHash("POST /contacts", base));
  });

  it("ignores absent fields but not null ones", () => {
    expect(requestHash("s", { a: 1, b: undefined })).toBe(requestHash("s", { a: 1 }));
    expect(requestHash("s", { a: 1, b: null })).not.toBe(requestHash("s", { a: 1 }));
  });
});
