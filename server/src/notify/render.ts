import type { NotifyEvent, NotifyLanguage } from "./events.ts";

/** A message in words: a title, a few lines, and how loud it is (each app draws that its own way). */
export interface Rendered {
  title: string;
  lines: string[];
  tone: "alert" | "warn" | "info" | "good";
}

type Data = Record<string, unknown>;

const num = (d: Data, k: string): number | null => (typeof d[k] === "number" && Number.isFinite(d[k]) ? (d[k] as number) : null);
const str = (d: Data, k: string): string => (typeof d[k] === "string" ? (d[k] as string) : "");
const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)}%`);
const money = (yuan: number | null) =>
  yuan === null ? "—" : `¥${new Intl.NumberFormat("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 0 }).format(yuan)}`;

const LEVEL = {
  "zh-CN": { "80": "低于80%", "60": "低于60%", "20": "低于20%" } as Record<string, string>,
  en: { "80": "under 80%", "60": "under 60%", "20": "under 20%" } as Record<string, string>,
};

const REASONS_ZH: Record<string, string> = {
  "month-under-20": "当月完成率低于20%",
  "six-months-under-60": "连续6个月低于60%",
  "three-months-under-80": "连续3个月低于80%",
  "churn-over-20": "团体客户流失率超过20%",
  "churn-over-5": "团体客户流失率超过5%",
};

function reasons(d: Data, lang: NotifyLanguage): string {
  const list = Array.isArray(d.reasons) ? (d.reasons as { rule?: string; message?: string }[]) : [];
  return list
    .map((r) => (lang === "zh-CN" && r.rule && REASONS_ZH[r.rule] ? REASONS_ZH[r.rule] : (r.message ?? "")))
    .filter(Boolean)
    .join(lang === "zh-CN" ? "；" : "; ");
}

function podium(d: Data, lang: NotifyLanguage): string[] {
  const places = [
    ["champion", "冠军", "Champion"],
    ["runnerUp", "亚军", "Runner-up"],
    ["third", "季军", "Third"],
  ] as const;
  const out: string[] = [];
  for (const [key, zh, en] of places) {
    const w = d[key] as { name?: string; revenue?: number; attainment?: number } | null | undefined;
    if (!w) continue;
    const rev = money(typeof w.revenue === "number" ? w.revenue : null);
    const att = pct(typeof w.attainment === "number" ? w.attainment : null);
    out.push(lang === "zh-CN" ? `${zh}：${w.name}（${rev}，完成 ${att}）` : `${en}: ${w.name} (${rev}, ${att} of target)`);
  }
  return out;
}

/** The message for an event in a channel's language, from the facts stored with it. */
export function renderMessage(event: NotifyEvent | "test", d: Data, lang: NotifyLanguage): Rendered {
  const zh = lang === "zh-CN";
  const rep = str(d, "repName") || (zh ? "（未知）" : "(unknown)");
  switch (event) {
    case "quota_alarm": {
      const achieved = num(d, "achieved");
      const target = num(d, "target");
      const done = achieved !== null && target ? achieved / target : null;
      const level = LEVEL[lang][str(d, "level")] ?? str(d, "level");
      return zh
        ? {
            title: "【配额预警】",
            lines: [`${rep} 本月完成 ${pct(done)}（目标 ${money(target)}）`, `进度 ${pct(num(d, "pace"))}，${level}（${str(d, "month")}）`],
            tone: str(d, "level") === "80" ? "warn" : "alert",
          }
        : {
            title: "[Quota alarm]",
            lines: [
              `${rep}: ${pct(done)} of this month's target (${money(target)})`,
              `Pace ${pct(num(d, "pace"))}, ${level} (${str(d, "month")})`,
            ],
            tone: str(d, "level") === "80" ? "warn" : "alert",
          };
    }
    case "month_close": {
      const removal = str(d, "outcome") === "removal";
      const why = reasons(d, lang);
      return zh
        ? {
            title: removal ? "【不再聘用】" : "【通报批评】",
            lines: [
              `${rep} ${str(d, "month")} 月结：完成 ${pct(num(d, "attainment"))}，${removal ? "报总经理办公室" : "报人力资源部"}`,
              ...(why ? [`原因：${why}`] : []),
            ],
            tone: removal ? "alert" : "warn",
          }
        : {
            title: removal ? "[Removal]" : "[Warning]",
            lines: [
              `${rep}, ${str(d, "month")} close: ${pct(num(d, "attainment"))} of target, report to ${removal ? "the GM office" : "HR"}`,
              ...(why ? [`Reasons: ${why}`] : []),
            ],
            tone: removal ? "alert" : "warn",
          };
    }
    case "complaint_overdue":
      return zh
        ? {
            title: "【投诉超时】",
            lines: [`客户 ${str(d, "customerName")} 的投诉已超过 48 小时未处理（负责人 ${rep}）`, str(d, "summary")].filter(Boolean),
            tone: "alert",
          }
        : {
            title: "[Complaint overdue]",
            lines: [
              `A complaint from ${str(d, "customerName")} has been open for more than 48 hours (owner ${rep})`,
              str(d, "summary"),
            ].filter(Boolean),
            tone: "alert",
          };
    case "refresh_stale":
      return zh
        ? {
            title: "【资料未更新】",
            lines: [`${rep} 有 ${num(d, "stale") ?? 0}/${num(d, "total") ?? 0} 位客户在 ${str(d, "quarter")} 未更新资料`],
            tone: "warn",
          }
        : {
            title: "[Stale customers]",
            lines: [`${rep}: ${num(d, "stale") ?? 0} of ${num(d, "total") ?? 0} customers were not refreshed in ${str(d, "quarter")}`],
            tone: "warn",
          };
    case "card_sold":
      return zh
        ? {
            title: "【售卡喜报】",
            lines: [`${rep} 售出 ${str(d, "cardType")}，${money(num(d, "amount"))}${d.newCardCustomer === true ? "（新卡客户）" : ""}`],
            tone: "good",
          }
        : {
            title: "[Card sold]",
            lines: [
              `${rep} sold a ${str(d, "cardType")} card for ${money(num(d, "amount"))}${d.newCardCustomer === true ? " (new card customer)" : ""}`,
            ],
            tone: "good",
          };
    case "awards": {
      const places = podium(d, lang);
      return zh
        ? { title: `【${str(d, "year")} 年度销售冠军】`, lines: places.length ? places : ["本年度无人完成全年目标"], tone: "good" }
        : {
            title: `[${str(d, "year")} sales awards]`,
            lines: places.length ? places : ["Nobody reached the annual target this year"],
            tone: "good",
          };
    }
    case "test":
      return zh
        ? { title: "【测试消息】", lines: [`Clubhouse 通知渠道“${str(d, "channelName")}”已连通。`], tone: "info" }
        : { title: "[Test message]", lines: [`The Clubhouse notification channel “${str(d, "channelName")}” works.`], tone: "info" };
  }
}
