/**
 * Child processes of the bench: the server under test, the bare Hono server and the
 * socket clients. Every child is tracked and killed (by its own pid) when the bench
 * ends, however it ends.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const root = resolve(import.meta.dirname, "../..");
export const tsx = resolve(root, "server/node_modules/.bin/tsx");

const children = new Set<ChildProcess>();

export interface Child {
  proc: ChildProcess;
  /** The last lines it wrote (for error messages). */
  output(): string;
  stop(): Promise<void>;
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

const tsxLoader = pathToFileURL(resolve(root, "server/node_modules/tsx/dist/loader.mjs")).href;

/**
 * Spawn `tsx <script>` (a `.js` bundle: plain `node`) with `env`; stdout and stderr are drained into a small ring buffer.
 * With `cpuProfileDir` the script runs under `node --cpu-prof` (the profile is
 * written there when the process exits; Node refuses the flag in NODE_OPTIONS).
 */
export function spawnTsx(script: string, env: Record<string, string>, opts: { ipc?: boolean; cpuProfileDir?: string } = {}): Child {
  // BENCH_CPU_PROFILE_INTERVAL_US: the sampling interval (Node's default 1,000 µs gives few samples in a short figure)
  const interval = process.env.BENCH_CPU_PROFILE_INTERVAL_US
    ? [`--cpu-prof-interval=${Number(process.env.BENCH_CPU_PROFILE_INTERVAL_US)}`]
    : [];
  const profile = opts.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProfileDir}`, ...interval] : [];
  // a built bundle (.js) runs under plain node, as `pnpm start` runs it
  const [command, args] = script.endsWith(".js")
    ? [process.execPath, ["--enable-source-maps", ...profile, script]]
    : opts.cpuProfileDir
      ? [process.execPath, [...profile, "--import", tsxLoader, script]]
      : [tsx, [script]];
  const proc = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: opts.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  children.add(proc);
  let tail = "";
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-8000);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  proc.once("exit", () => children.delete(proc));
  return {
    proc,
    output: () => tail,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 8_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Poll `url` until it answers 200 (or the child dies, or `timeoutMs` passes). */
export async function waitHealthy(child: Child, url: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.proc.exitCode !== null) throw new Error(`process exited (${child.proc.exitCode}) before it was ready:\n${child.output()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${url}\n${child.output()}`);
}

export interface ServerProc extends Child {
  url: string;
}

/** The real server (server/src/main.ts) in its own process, on a free port. */
let built = false;
/**
 * The server as production runs it (`pnpm start`): the bundle server/build.mjs makes,
 * under plain node. Built once per bench run into server/dist-bench (its own folder: a
 * test that runs the server from dist/ at the same time keeps its files), so the figures
 * are the code checked out now, without tsx's on-the-fly transform (whose helpers run on
 * every closure made).
 */
function serverBundle(): string {
  if (!built) {
    execFileSync(process.execPath, [resolve(root, "server/build.mjs"), "--outdir", "dist-bench"], {
      cwd: resolve(root, "server"),
      stdio: "ignore",
    });
    built = true;
  }
  return resolve(root, "server/dist-bench/main.js");
}

export async function startServerProc(env: {
  DATABASE_URL?: string;
  DATA_DIR?: string;
  REDIS_URL?: string;
  DB_POOL_SIZE?: number;
  LOG_LEVEL?: string;
}): Promise<ServerProc> {
  const port = await freePort();
  const cpuProfileDir = process.env.BENCH_CPU_PROFILE_DIR || undefined;
  const child = spawnTsx(
    serverBundle(),
    {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: env.DATABASE_URL ?? "",
      DATA_DIR: env.DATA_DIR ?? "",
      REDIS_URL: env.REDIS_URL ?? "",
      DB_POOL_SIZE: String(env.DB_POOL_SIZE ?? 16),
      LOG_LEVEL: env.LOG_LEVEL ?? "warn",
      DEMO_CLUB: "off",
      JOB_INTERVAL_MS: "0",
      NODE_ENV: "production",
    },
    { cpuProfileDir },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(child, `${url}/healthz`);
  return { ...child, url };
}

/** The bare Hono baseline server (bench/bare-server.ts), serving `payloadFile`'s bodies. */
export async function startBareServer(payloadFile: string): Promise<ServerProc> {
  const port = await freePort();
  const child = spawnTsx("test/bench/bare-server.ts", { PORT: String(port), BARE_PAYLOADS: payloadFile, NODE_ENV: "production" });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(child, `${url}/bare`);
  return { ...child, url };
}

const cleanups: (() => void)[] = [];
/** Something else to undo when the bench is killed (the private PostgreSQL cluster). */
export function onKill(fn: () => void): () => void {
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Kill every child still running (by pid), e.g. on an error or Ctrl-C; then run the onKill cleanups. */
export function killAll() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }
  children.clear();
  for (const fn of cleanups.splice(0)) {
    try {
      fn();
    } catch {}
  }
}
