import { describe, expect, it } from "vitest";
import type { Deps } from "../deps.ts";
import { type Announced, payloadProblem, reaches, recipientsOf } from "./event-table.ts";
import type { LiveEvent } from "./events.ts";
import { LivePayloadMismatch, publishCommitted } from "./outbox.ts";

const rep = "0b6f3c52-4a1e-4d8e-9a36-2f1f8f6b1a01";
const other = "0b6f3c52-4a1e-4d8e-9a36-2f1f8f6b1a02";
const uuid = "5d1c2f7e-8e0b-4c55-bb0e-5d3b0c9a4f10";
const at = "2026-03-15T02:00:00.000Z";

const contact: Announced = {
  event: "contact:logged",
  payload: { id: uuid, repId: rep, customerId: uuid, channel: "visit", target: "prospect", occurredAt: at },
};
const sale: Announced = { event: "card:sold", payload: { id: uuid, repId: rep, cardType: "Gold", amount: 1999, occurredAt: at } };
const ack: Announced = {
  event: "quota:alarm",
  payload: { id: uuid, repId: rep, level: "60", kind: "acknowledged", at, alarmKind: "pace" },
};
const raised: Announced = { event: "quota:alarm", payload: { id: uuid, repId: rep, level: "60", kind: "raised", at, pace: 0.5 } };

describe("the table's audiences", () => {
  it("a rep's write goes to managers and that rep; a sale to the whole club", () => {
    expect(recipientsOf(contact)).toEqual([{ to: "managers" }, { to: "rep", repId: rep }]);
    expect(recipientsOf(sale)).toEqual([{ to: "club" }]);
  });

  it("an acknowledgement goes to managers only", () => {
    expect(recipientsOf(ack)).toEqual([{ to: "managers" }]);
    expect(recipientsOf(raised)).toEqual([{ to: "managers" }, { to: "rep", repId: rep }]);
  });

  it("who hears what: managers and admins every rep's, a rep their own, a lead the club's only", () => {
    for (const role of ["admin", "manager"] as const) expect(reaches(contact, { role, userId: other })).toBe(true);
    expect(reaches(contact, { role: "rep", userId: rep })).toBe(true);
    expect(reaches(contact, { role: "rep", userId: other })).toBe(false);
    expect(reaches(contact, { role: "lead", userId: other })).toBe(false);
    expect(reaches(ack, { role: "rep", userId: rep })).toBe(false);
    for (const role of ["admin", "manager", "lead", "rep"] as const) expect(reaches(sale, { role, userId: other })).toBe(true);
  });
});

describe("payloads against their schemas", () => {
  it("today's shapes match", () => {
    for (const e of [contact, sale, ack, raised]) expect(payloadProblem(e.event, e.payload)).toBeNull();
    expect(
      payloadProblem("board:delta", { from: 1, version: 2, lists: { "alarms.latest": { upsert: [{ id: "a" }], remove: [] } } }),
    ).toBeNull();
  });

  it("a missing or mistyped field, an extra field in a closed shape, an unknown event do not", () => {
    expect(payloadProblem("contact:logged", { ...contact.payload, target: "nobody" })).toMatch(/target/);
    expect(payloadProblem("revenue:recorded", { id: uuid, repId: rep, customerId: uuid, amount: "12", occurredAt: at })).toMatch(/amount/);
    // a wall TV's event never carries the customer
    expect(payloadProblem("card:sold", { ...sale.payload, customerName: "Ms Li" })).toMatch(/customerName/);
    expect(payloadProblem("quota:alarm", { id: uuid, level: null, kind: "raised", at })).toMatch(/repId/);
    expect(payloadProblem("nothing:here", {})).toMatch(/unknown event/);
  });
});

describe("publishCommitted, the one publish path", () => {
  function deps(env: { check?: "on" | "off" } = {}) {
    const published: LiveEvent[][] = [];
    const warned: unknown[] = [];
    const counted: string[] = [];
    const d = {
      live: { publish: (events: LiveEvent[]) => published.push(events) },
      config: { LIVE_CHECK_EVENTS: env.check ?? "off" },
      logger: { warn: (o: unknown) => warned.push(o) },
      metrics: { liveEventMismatch: (e: string) => counted.push(e) },
    } as unknown as Pick<Deps, "live" | "config" | "logger" | "metrics">;
    return { d, published, warned, counted };
  }
  const bad = { event: "contact:logged", payload: { ...contact.payload, channel: 3 } } as unknown as Announced;

  it("routes each event by the table, in the club given", () => {
    const { d, published } = deps();
    publishCommitted(d, "club-a", [contact, sale]);
    expect(published).toEqual([
      [
        { tenantId: "club-a", audience: { to: "managers" }, event: "contact:logged", payload: contact.payload },
        { tenantId: "club-a", audience: { to: "rep", repId: rep }, event: "contact:logged", payload: contact.payload },
        { tenantId: "club-a", audience: { to: "club" }, event: "card:sold", payload: sale.payload },
      ],
    ]);
  });

  it("under test a payload that does not match fails, and nothing goes out", () => {
    const { d, published } = deps();
    expect(() => publishCommitted(d, "club-a", [contact, bad])).toThrow(LivePayloadMismatch);
    expect(published).toEqual([]);
  });

  it("in production, with the check on, a mismatch is logged and counted, never thrown", () => {
    const was = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      const on = deps({ check: "on" });
      publishCommitted(on.d, "club-a", [bad]);
      expect(on.counted).toEqual(["contact:logged"]);
      expect(on.warned).toHaveLength(1);
      expect(on.published[0]).toHaveLength(2);
      const off = deps({ check: "off" });
      publishCommitted(off.d, "club-a", [bad]);
      expect(off.counted).toEqual([]);
    } finally {
      process.env.NODE_ENV = was;
    }
  });
});
