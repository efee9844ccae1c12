// No TypeScript file of the server or the web app over 400 lines (docs/layers.md):
// a longer file is split by job. Files still waiting for their split are listed in
// WAITING, each to be taken off the list once split; the list only ever shrinks.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const MAX = 400;
const ROOTS = ["server/src", "web/src"];
const WAITING = new Set([]);

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (/\.tsx?$/.test(e.name)) yield p;
  }
}

const long = [];
for (const root of ROOTS) {
  for (const file of files(root)) {
    const lines = readFileSync(file, "utf8").split("\n").length - 1;
    if (lines > MAX && !WAITING.has(file)) long.push(`${file}: ${lines} lines`);
  }
}
if (long.length > 0) {
  console.error(`Files over ${MAX} lines (split them by job):\n  ${long.join("\n  ")}`);
  process.exit(1);
}
console.log(`lines: every file at most ${MAX} lines (${WAITING.size} waiting for their split)`);
