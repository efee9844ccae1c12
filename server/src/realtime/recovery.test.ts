import type { Session } from "socket.io-adapter";
import { describe, expect, it } from "vitest";
import type { SocketData } from "./events.ts";
import { presentedRecovery, resumable } from "./recovery.ts";

const now: SocketData = { tenantId: "club-a", userId: "u1", role: "rep", sessionId: "s1" };
const rooms = ["club:club-a", "club:club-a:user:u1", "club:club-a:session:s1", "club:club-a:rep:u1"];
const stored = (data: unknown, had: string[] = [...rooms, "old-sid"]): Session => ({
  sid: "old-sid",
  pid: "pid",
  rooms: had,
  data,
  missedPackets: [],
});

describe("which stored session a handshake may resume", () => {
  it("its own: same club, user, login session and role, and no room it is not in now", () => {
    expect(resumable(stored({ ...now }), now, rooms)).toBe("same");
  });

  it("another club's, user's or login session's is foreign", () => {
    expect(resumable(stored({ ...now, tenantId: "club-b" }), now, rooms)).toBe("foreign");
    expect(resumable(stored({ ...now, userId: "u2" }), now, rooms)).toBe("foreign");
    expect(resumable(stored({ ...now, sessionId: "s2" }), now, rooms)).toBe("foreign");
    expect(resumable(stored(undefined), now, rooms)).toBe("foreign");
  });

  it("its own with another role, or with a room it is not in now, has changed", () => {
    expect(resumable(stored({ ...now, role: "manager" }), now, rooms)).toBe("changed");
    expect(resumable(stored({ ...now }, [...rooms, "club:club-a:managers"]), now, rooms)).toBe("changed");
    expect(resumable({ ...stored({ ...now }), rooms: undefined as unknown as string[] }, now, rooms)).toBe("changed");
  });

  it("a lead's own, given a team, another team or none meanwhile, has changed", () => {
    const lead: SocketData = { ...now, role: "lead", teamId: "t1" };
    const leadRooms = [...rooms.slice(0, 3), "club:club-a:team:t1"];
    expect(resumable(stored({ ...lead }, [...leadRooms, "old-sid"]), lead, leadRooms)).toBe("same");
    expect(resumable(stored({ ...lead, teamId: null }, [...rooms.slice(0, 3), "old-sid"]), lead, leadRooms)).toBe("changed");
    expect(resumable(stored({ ...lead, teamId: "t2" }, [...rooms.slice(0, 3), "old-sid"]), lead, leadRooms)).toBe("changed");
    expect(resumable(stored({ ...lead }, [...leadRooms, "old-sid"]), { ...lead, teamId: null }, rooms.slice(0, 3))).toBe("changed");
  });

  it("reads a presented pid and offset only when both are non-empty strings", () => {
    expect(presentedRecovery({ token: "t", pid: "p", offset: "1-0" })).toEqual({ pid: "p", offset: "1-0" });
    expect(presentedRecovery({ token: "t", pid: "p" })).toBeUndefined();
    expect(presentedRecovery({ pid: 1, offset: "1-0" })).toBeUndefined();
    expect(presentedRecovery({ pid: "", offset: "" })).toBeUndefined();
    expect(presentedRecovery(null)).toBeUndefined();
  });
});
