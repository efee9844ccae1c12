import type { en } from "./en.ts";
import { analysis } from "./zh-CN/analysis.ts";
import { board } from "./zh-CN/board.ts";
import { channels } from "./zh-CN/channels.ts";
import { checks } from "./zh-CN/checks.ts";
import { common } from "./zh-CN/common.ts";
import { oversight } from "./zh-CN/oversight.ts";
import { people } from "./zh-CN/people.ts";
import { rep } from "./zh-CN/rep.ts";
import { repCheck } from "./zh-CN/repCheck.ts";

/** 中文 messages, one file per area under zh-CN/ (each checked against its English one). */
export const zhCN: Record<keyof typeof en, string> = {
  ...common,
  ...board,
  ...rep,
  ...people,
  ...oversight,
  ...analysis,
  ...channels,
  ...repCheck,
  ...checks,
};
