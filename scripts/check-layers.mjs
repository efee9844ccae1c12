// The layering rules of the server (docs/layers.md), run by `pnpm lint`:
// 1. no folder-level import cycles: the folders of server/src, and the files at its
//    top, as one graph (imports that run: type-only imports aside);
// 2. only the edge imports the web framework (hono): app.ts, routes files, http/,
//    auth's middleware and endpoint, realtime's socket handshake, the OpenAPI
//    document and its compile-time check (openapi.ts, openapi-check.ts). Services raise
//    domain errors (errors.ts) and never choose an HTTP status.
// File-level cycles (server and web) are dependency-cruiser's `no-circular`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cruise } from "dependency-cruiser";

const ROOTS = ["server/src"];
const EDGE = [
  /^server\/src\/(app|server|main|openapi|openapi-check)\.ts$/,
  /(^|\/)routes\.ts$/,
  /^server\/src\/http\//,
  /^server\/src\/auth\/(middleware|endpoint)\.ts$/,
  /^server\/src\/realtime\/handshake\.ts$/,
  /\.test\.ts$/,
];
const HONO = /from\s+"(hono|@hono\/[^"]+)(\/[^"]*)?"/;

let failed = false;
function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (/\.tsx?$/.test(e.name)) yield p;
  }
}
for (const file of files("server/src")) {
  if (EDGE.some((r) => r.test(file))) continue;
  if (HONO.test(readFileSync(file, "utf8"))) {
    console.error(`hono outside the edge: ${file} (move its routes to a routes file, or its HTTP part to http/)`);
    failed = true;
  }
}

/** The unit a file belongs to: its first folder under a root, or the top-level file itself. */
function unitOf(path) {
  for (const root of ROOTS) {
    if (!path.startsWith(`${root}/`)) continue;
    const rest = path.slice(root.length + 1);
    const slash = rest.indexOf("/");
    return `${root}/${slash === -1 ? rest : rest.slice(0, slash)}`;
  }
  return undefined;
}

const { output } = await cruise(ROOTS, {
  doNotFollow: { path: "node_modules" },
  tsPreCompilationDeps: true,
  exclude: { path: "(^|/)dist/" },
});

const graph = new Map();
const why = new Map();
for (const m of output.modules) {
  if (/\.test\.tsx?$/.test(m.source)) continue;
  const from = unitOf(m.source);
  if (!from) continue;
  for (const d of m.dependencies) {
    // Type-only imports leave no trace at run time: the composition root's types
    // (deps.ts) may name what it wires without making a cycle.
    if (d.dependencyTypes.includes("type-only")) continue;
    const to = unitOf(d.resolved);
    if (!to || to === from) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from).add(to);
    if (!why.has(`${from}>${to}`)) why.set(`${from}>${to}`, `${m.source} → ${d.resolved}`);
  }
}

// Tarjan's strongly connected components: each with more than one unit is a cycle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const on = new Set();
const cycles = [];
function visit(v) {
  idx.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  on.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) cycles.push(scc.sort());
  }
}
for (const v of graph.keys()) if (!idx.has(v)) visit(v);

if (cycles.length === 0 && !failed) {
  console.log(`layers: no folder cycles among ${graph.size} folders and top-level files; hono only at the edge`);
} else {
  for (const scc of cycles) {
    console.error(`folder cycle: ${scc.join(" ⇄ ")}`);
    for (const a of scc)
      for (const b of scc) {
        const e = why.get(`${a}>${b}`);
        if (e) console.error(`  ${e}`);
      }
  }
  process.exit(1);
}
