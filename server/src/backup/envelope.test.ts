import { describe, expect, it } from "vitest";
import { loadConfig, parseDuration } from "../config.ts";
import { BadBackup, knownMigrations, unwrap, wrap } from "./envelope.ts";

const payload = new Uint8Array(Array.from({ length: 1000 }, (_, i) => (i * 31) % 256));
const latest = knownMigrations().length;

describe("the backup file's header", () => {
  it("round-trips its payload and describes it", () => {
    const file = wrap(payload, { database: "pglite", migrations: latest, createdAt: new Date("2026-12-01T00:00:00Z") });
    const { header, payload: back } = unwrap(file);
    expect(new Uint8Array(back)).toEqual(payload);
    expect(header).toMatchObject({
      format: "clubhouse-backup",
      formatVersion: 1,
      database: "pglite",
      migrations: latest,
      schema: knownMigrations().at(-1),
      createdAt: "2026-12-01T00:00:00.000Z",
      payloadBytes: 1000,
    });
  });

  it("refuses what is not a backup, is cut short, damaged, or newer, each with its reason", () => {
    const good = wrap(payload, { database: "postgres", migrations: latest });
    const headerEnd = good.indexOf(0x0a, 17);
    const header = JSON.parse(good.subarray(17, headerEnd).toString());
    const rewrap = (h: object) => Buffer.concat([Buffer.from("CLUBHOUSE BACKUP\n"), Buffer.from(`${JSON.stringify(h)}\n`), payload]);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 1] = (damaged[damaged.length - 1]! + 1) % 256;
    const cases: [Buffer, RegExp][] = [
      [Buffer.alloc(0), /not a Clubhouse backup/],
      [Buffer.from("PK\u0003\u0004 a zip file"), /not a Clubhouse backup/],
      [good.subarray(0, 30), /header is incomplete/],
      [good.subarray(0, good.length - 1), /cut short: 999 of 1000 bytes/],
      [Buffer.concat([good, Buffer.from("x")]), /longer than written/],
      [damaged, /checksum does not match/],
      [Buffer.from("CLUBHOUSE BACKUP\n{not json\n"), /header is not readable/],
      [rewrap({ ...header, formatVersion: 2 }), /newer version of Clubhouse \(backup format 2/],
      [rewrap({ ...header, migrations: latest + 1, schema: "9999_next" }), /newer version of Clubhouse \(schema 9999_next/],
      [rewrap({ ...header, schema: "0007_elsewhere" }), /different schema history/],
      [rewrap({ ...header, database: "mysql" }), /unknown database kind/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => unwrap(bytes, "f.backup")).toThrow(BadBackup);
      expect(() => unwrap(bytes, "f.backup")).toThrow(message);
    }
  });
});

describe("backup settings", () => {
  it("reads periods in seconds, minutes, hours and days", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("6h")).toBe(21_600_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    for (const bad of ["", "6", "h", "0s", "1.5h", "6 hours", "-1h", "400d"]) expect(parseDuration(bad)).toBeUndefined();
    const c = loadConfig({ BACKUP_DIR: "/backups", BACKUP_EVERY: "6h" });
    expect(c.BACKUP_EVERY).toBe(21_600_000);
    expect(c.BACKUP_KEEP).toBe(7);
  });

  it("refuses settings that do not go together", () => {
    expect(() => loadConfig({ BACKUP_EVERY: "6h" })).toThrow(/BACKUP_EVERY: needs BACKUP_DIR/);
    expect(() => loadConfig({ BACKUP_DIR: "/b" })).toThrow(/BACKUP_DIR: needs BACKUP_EVERY/);
    expect(() => loadConfig({ BACKUP_DIR: "/b", BACKUP_EVERY: "1h", DATABASE_URL: "postgres://x@h/db" })).toThrow(/embedded database/);
    expect(() => loadConfig({ BACKUP_DIR: "/b", BACKUP_EVERY: "1h", BACKUP_KEEP: "0" })).toThrow(/BACKUP_KEEP/);
  });
});
