import { describe, expect, it } from "vitest";
import { classifyContact, isInPerson } from "./contacts.ts";

describe("classifyContact", () => {
  it.each([
    ["active", { ok: true, target: "existing" }],
    ["prospect", { ok: true, target: "prospect" }],
    ["churned", { ok: true, target: "prospect" }],
    ["dropped", { ok: false, reason: "customer-dropped" }],
  ] as const)("%s → %o", (status, expected) => {
    expect(classifyContact(status)).toEqual(expected);
  });

  it.each([
    ["visit", true],
    ["demo", true],
    ["phone", false],
    ["letter", false],
  ] as const)("%s in person: %s", (channel, inPerson) => {
    expect(isInPerson(channel)).toBe(inPerson);
  });
});
