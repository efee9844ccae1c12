import { analysis } from "./en/analysis.ts";
import { board } from "./en/board.ts";
import { channels } from "./en/channels.ts";
import { checks } from "./en/checks.ts";
import { common } from "./en/common.ts";
import { oversight } from "./en/oversight.ts";
import { people } from "./en/people.ts";
import { rep } from "./en/rep.ts";
import { repCheck } from "./en/repCheck.ts";

/**
 * English messages, one file per area under en/; zh-CN.ts must have every key (the
 * type checks it, area by area and in all).
 */
export const en = { ...common, ...board, ...rep, ...people, ...oversight, ...analysis, ...channels, ...repCheck, ...checks };
