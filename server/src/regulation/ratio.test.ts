import { describe, expect, it } from "vitest";
import { ratio, ratioOf } from "./ratio.ts";

describe("ratio (1:3)", () => {
  it.each([
    // E, N, required, shortfall, compliant
    [0, 0, 0, 0, true],
    [0, 2, 0, 0, true],
    [1, 0, 1, 1, false],
    [1, 1, 1, 0, true],
    [2, 0, 1, 1, false],
    [2, 1, 1, 0, true],
    [3, 0, 1, 1, false],
    [3, 1, 1, 0, true],
    [4, 1, 2, 1, false],
    [4, 2, 2, 0, true],
    [4, 5, 2, 0, true],
    [12, 3, 4, 1, false],
  ])("E=%i N=%i → required %i, shortfall %i, compliant %s", (e, n, required, shortfall, compliant) => {
    expect(ratio(e, n)).toEqual({ existing: e, prospect: n, required, shortfall, compliant });
  });

  it("counts only in-person, non-voided contacts", () => {
    const r = ratioOf([
      { channel: "visit", target: "existing", voided: false },
      { channel: "demo", target: "existing", voided: false },
      { channel: "phone", target: "existing", voided: false },
      { channel: "visit", target: "existing", voided: true },
      { channel: "visit", target: "existing", voided: false },
      { channel: "visit", target: "existing", voided: false },
      { channel: "letter", target: "prospect", voided: false },
      { channel: "demo", target: "prospect", voided: false },
    ]);
    expect(r).toEqual({ existing: 4, prospect: 1, required: 2, shortfall: 1, compliant: false });
  });
});
