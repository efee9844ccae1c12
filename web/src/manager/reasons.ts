import { pct } from "../format.ts";
import { lang } from "../i18n/index.ts";
import type { CloseReason } from "../types.ts";

/** A close reason in words and numbers, in the reader's language ("3 months under 80%: 79%, 79%, 79%"). */
export function reasonText(r: CloseReason | string): string {
  if (typeof r === "string") return r;
  if (lang() !== "zh-CN") return r.message;
  const nums = r.numbers.map((n) => pct(n)).join("、");
  switch (r.rule) {
    case "month-under-20":
      return `当月完成率低于20%：${nums}`;
    case "six-months-under-60":
      return `连续6个月低于60%：${nums}`;
    case "three-months-under-80":
      return `连续3个月低于80%：${nums}`;
    case "churn-over-20":
      return `团体客户流失率超过20%：${nums}`;
    case "churn-over-5":
      return `团体客户流失率超过5%：${nums}`;
    default:
      return r.message;
  }
}
