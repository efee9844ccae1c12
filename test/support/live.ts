import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Database } from "@clubhouse/db";
import { users, withTenant } from "@clubhouse/db";
import { io, type Socket } from "socket.io-client";
import type { BoardSource } from "../../server/src/realtime/boards.ts";
import type { ClientToServerEvents, ServerToClientEvents } from "../../server/src/realtime/events.ts";
import { serverBundle } from "./server-bundle.ts";

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;
type EventName = keyof ServerToClientEvents;
type Payload<K extends EventName> = Parameters<ServerToClientEvents[K]>[0];

export const root = resolve(import.meta.dirname, "../..");

/**
 * A socket.io client as the web app opens one (WebSocket, quick reconnects), not yet
 * connected. `token` goes in `auth`; `cookie` and `origin` as the browser would send them.
 */
export function liveClient(
  url: string,
  opts: { token?: string; cookie?: string; origin?: string; reconnection?: boolean; deltas?: boolean } = {},
): LiveClient {
  const extraHeaders: Record<string, string> = {};
  if (opts.cookie) extraHeaders.cookie = `session=${opts.cookie}`;
  if (opts.origin) extraHeaders.origin = opts.origin;
  return io(url, {
    autoConnect: false,
    forceNew: true,
    transports: ["websocket"],
    auth: { ...(opts.token ? { token: opts.token } : {}), ...(opts.deltas ? { deltas: true } : {}) },
    extraHeaders,
    reconnection: opts.reconnection ?? true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    randomizationFactor: 0,
    timeout: 5_000,
  });
}

/** Every event a client receives, kept in order, with waits on them. */
export class Recorder {
  readonly events: { event: EventName; payload: unknown }[] = [];
  #waiters: { match: (e: { event: EventName; payload: unknown }) => boolean; resolve: (p: unknown) => void }[] = [];

  constructor(readonly socket: LiveClient) {
    socket.onAny((event: EventName, payload: unknown) => {
      const e = { event, payload };
      this.events.push(e);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(e)) return true;
        w.resolve(payload);
        return false;
      });
    });
  }

  of<K extends EventName>(event: K): Payload<K>[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as Payload<K>);
  }

  /** The first event of this name (already received or still to come) that matches. */
  next<K extends EventName>(event: K, match: (p: Payload<K>) => boolean = () => true, timeoutMs = 5_000): Promise<Payload<K>> {
    const seen = this.of(event).find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolvePayload, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${event} within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`)),
        timeoutMs,
      );
      this.#waiters.push({
        match: (e) => e.event === event && match(e.payload as Payload<K>),
        resolve: (p) => {
          clearTimeout(timer);
          resolvePayload(p as Payload<K>);
        },
      });
    });
  }

  clear() {
    this.events.length = 0;
  }
}

/** Connect and resolve once connected; reject with the server's refusal message. */
export function connect(socket: LiveClient, timeoutMs = 5_000): Promise<LiveClient> {
  return new Promise((resolveSocket, reject) => {
    const timer = setTimeout(() => reject(new Error("connect timed out")), timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolveSocket(socket);
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(err);
    });
    socket.connect();
  });
}

/** A connected client with a recorder attached before the first packet. */
export async function connected(
  url: string,
  token: string,
  opts: { deltas?: boolean } = {},
): Promise<{ socket: LiveClient; rec: Recorder }> {
  const socket = liveClient(url, { token, ...opts });
  const rec = new Recorder(socket);
  await connect(socket);
  return { socket, rec };
}

/** Arm before the action: resolves with the next disconnect's reason, or rejects after `timeoutMs`. */
export function disconnected(socket: LiveClient, timeoutMs = 1_000): Promise<string> {
  if (!socket.connected) return Promise.reject(new Error("not connected"));
  return new Promise((resolveReason, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once("disconnect", (reason) => {
      clearTimeout(timer);
      resolveReason(reason);
    });
  });
}

/** Long enough for a club's recompute and the coalescing window after it to be over (a few windows): what was scheduled is out. */
export const SETTLE_MS = 150;

export function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll until `check` holds (or throw its last failure after `timeoutMs`). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000, everyMs = 25): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(everyMs);
    }
  }
}

/** Assert that nothing matching arrives within `ms` (the only place a test waits on purpose). */
export async function nothingWithin(rec: Recorder, ms: number, event?: EventName) {
  await sleep(ms);
  return event ? rec.of(event) : rec.events;
}

/** A board that reads the club's users, so a snapshot shows whether it saw the latest write. */
export function userBoards(database: Database): BoardSource {
  return {
    async snapshot(tenantId) {
      const rows = await withTenant(database, tenantId, (tx) => tx.select({ name: users.name }).from(users));
      return { club: { members: rows.map((r) => r.name).sort() }, managers: { managersOnly: true } };
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

/** A private redis-server on its own port: stopped and started again by the test. */
export class TestRedis {
  #child?: ChildProcess;
  constructor(readonly port: number) {}

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    await new Promise<void>((ready, fail) => {
      let out = "";
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (/Ready to accept connections/.test(out)) ready();
      });
      child.on("exit", (code) => fail(new Error(`redis-server exited (${code}): ${out}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((done) => {
      child.once("exit", () => done());
      child.kill("SIGKILL");
    });
  }
}

/** `pnpm start`'s server process (tsx server/src/main.ts), with its JSON log kept for failures. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM, then the exit code (SIGKILL after 10 s). */
  stop(): Promise<number | null>;
}

/**
 * The arguments of `node` that start the server (`main`) or `pnpm backup` (`backup`) as a
 * process of its own: the production bundle the test run built (server-bundle.ts), else the
 * source through tsx's loader. node itself either way (not the tsx CLI, which runs the
 * server as a grandchild and SIGKILLs it when it is slow to acknowledge a SIGTERM): a signal
 * to the child really reaches the server.
 */
export function serverArgs(entry: "main" | "backup"): string[] {
  const bundle = serverBundle();
  if (bundle) return ["--enable-source-maps", bundle[entry]];
  const loader = pathToFileURL(resolve(root, "server/node_modules/tsx/dist/loader.mjs")).href;
  return ["--import", loader, entry === "main" ? "server/src/main.ts" : "server/src/backup/cli.ts"];
}

export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, serverArgs("main"), {
    cwd: root,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DEMO_CLUB: "off", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), 30_000);
    child.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
      const m = /"url":"([^"]+)"[^\n]*clubhouse is listening|clubhouse is listening[^\n]*"url":"([^"]+)"/.exec(output);
      const found = m?.[1] ?? m?.[2];
      if (found) {
        clearTimeout(timer);
        ok(found);
      }
    });
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("exit", () => {
      clearTimeout(timer);
      fail(new Error(`server exited before listening:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    async stop() {
      // ended already (also killed by a signal: no second "exit" would come)
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      return new Promise<number | null>((done) => {
        const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", (code) => {
          clearTimeout(force);
          done(code);
        });
        child.kill("SIGTERM");
      });
    },
  };
}
