import { describe, expect, it } from "vitest";
import { ApiError } from "../api.ts";
import { type ContactFields, contactBody, mendRefused, sentVisit } from "./contact-body.ts";

const base: ContactFields = { customerId: "c1", channel: "visit", outcome: "interested", occurredAt: "2026-05-04T10:00:00+08:00" };
const position = { lat: 39.9, lng: 116.4, accuracy: 15, takenAt: "2026-05-04T02:00:01.000Z" };

describe("the body of a queued contact", () => {
  it.each<[string, ContactFields, Record<string, unknown>]>([
    ["a phone call: nothing of a position", { ...base, channel: "phone" }, { ...base, channel: "phone" }],
    ["a visit with its position", { ...base, position }, { ...base, position }],
    ["a visit without one, and why", { ...base, positionError: "denied" }, { ...base, positionError: "denied" }],
    ["never both: the position wins", { ...base, position, positionError: "timeout" }, { ...base, position }],
    ["pinning the customer here", { ...base, position, pinHere: true }, { ...base, position, pinHere: true }],
    ["no pin without a position", { ...base, positionError: "denied", pinHere: true }, { ...base, positionError: "denied" }],
    [
      "the phone's own marks stay on the phone",
      { ...base, position, locating: true, pinDropped: true, sendKey: "k", notes: "谈了团体卡", promotionId: "p1" },
      { ...base, position, notes: "谈了团体卡", promotionId: "p1" },
    ],
  ])("%s", (_, c, body) => {
    expect(contactBody(c)).toEqual(body);
  });
});

describe("a refusal about the position alone is mended, the visit is never lost", () => {
  const refusal = (status: number, fieldCodes: Record<string, { code: string }>) =>
    new ApiError(status, status === 422 ? "rule_violation" : "validation_failed", "refused", {}, fieldCodes);

  it("pinned meanwhile: sent again without pinHere, checked against that pin", () => {
    const c = { ...base, position, pinHere: true as const, key: "k1" };
    expect(mendRefused(c, refusal(422, { pinHere: { code: "already_pinned" } }))).toEqual({
      ...base,
      position,
      key: "k1",
      pinDropped: true,
    });
  });

  it("a position the server will not take: sent again as a visit without a usable position", () => {
    const c = { ...base, position, pinHere: true as const };
    expect(mendRefused(c, refusal(400, { "position.accuracy": { code: "too_large" } }))).toEqual({ ...base, positionError: "unavailable" });
  });

  it.each([
    ["another field refused too", { "position.lat": { code: "too_large" }, customerId: { code: "not_in_club" } }],
    ["only another field", { promotionId: { code: "promotion_not_approved" } }],
    ["no field named", {}],
  ])("anything else stays refused: %s", (_, codes) => {
    expect(mendRefused({ ...base, position }, refusal(422, codes))).toBeUndefined();
  });

  it("a pin refused on a contact that did not ask to pin: its position dropped, the visit still sent", () => {
    expect(mendRefused({ ...base, position }, refusal(422, { pinHere: { code: "already_pinned" } }))).toEqual({
      ...base,
      positionError: "unavailable",
    });
  });
});

describe("what the phone keeps of a sent visit", () => {
  it("the server's check, and whether it pinned the customer or found it pinned", () => {
    const check = { state: "on_site", distanceM: 42, accepted: null } as never;
    expect(sentVisit({ pinHere: true }, check)).toEqual({ check, pinned: true });
    expect(sentVisit({ pinDropped: true }, null as never)).toEqual({ pinDropped: true });
  });
});
