import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { withLiveContract } from "./live-doc.ts";

/** `pnpm docs:live`: writes the live contract section of docs/realtime.md from the table of events. */
const path = resolve(import.meta.dirname, "../../../docs/realtime.md");
const before = readFileSync(path, "utf8");
const after = withLiveContract(before);
if (after !== before) writeFileSync(path, after);
console.log(after === before ? "docs/realtime.md: the live contract is up to date" : "docs/realtime.md: live contract written");
