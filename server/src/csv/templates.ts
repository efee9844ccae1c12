import { withTenant } from "@clubhouse/db";
import type { ServiceContext } from "../deps.ts";
import { readClubRules } from "../settings/service.ts";
import { dayOf } from "../time/club-time.ts";
import { textColumn, writeCsv } from "./write.ts";

export type TemplateLang = "en" | "zh-CN";
export type TemplateKind = "revenue" | "customers";

type Column = { name: string; zh: string; sample: { en: string; zh: string } };

/**
 * The import templates: a header row the importer accepts (English column names, or the
 * Chinese headers clubs use) and one sample row that imports once its customer exists —
 * dated today in club time, so it is never in the future nor in a closed month.
 */
function templateColumns(kind: TemplateKind, today: string): Column[] {
  if (kind === "revenue")
    return [
      { name: "customerId", zh: "客户", sample: { en: "Zhang San", zh: "张三" } },
      { name: "amount", zh: "金额", sample: { en: "3,600.00", zh: "¥3,600.00" } },
      { name: "businessLine", zh: "业务", sample: { en: "catering", zh: "餐饮" } },
      { name: "occurredAt", zh: "日期", sample: { en: today, zh: today } },
      { name: "repId", zh: "营销代表", sample: { en: "", zh: "" } },
      { name: "ref", zh: "单号", sample: { en: "POS-0001", zh: "POS-0001" } },
    ];
  return [
    { name: "name", zh: "客户名称", sample: { en: "Zhang San", zh: "张三" } },
    { name: "kind", zh: "类型", sample: { en: "individual", zh: "个人" } },
    { name: "status", zh: "状态", sample: { en: "prospect", zh: "潜在客户" } },
    { name: "ownerEmail", zh: "负责人", sample: { en: "", zh: "" } },
    { name: "expectedMonthlySpend", zh: "预计月消费", sample: { en: "3,600.00", zh: "3,600.00" } },
    { name: "phone", zh: "电话", sample: { en: "13800000000", zh: "13800000000" } },
    { name: "address", zh: "地址", sample: { en: "1 Nanjing West Road, Shanghai", zh: "上海市南京西路1号" } },
  ];
}

/** The template CSV (written by the one CSV writer: UTF-8 with a BOM, so Excel opens Chinese correctly). */
export async function importTemplate(ctx: ServiceContext, kind: TemplateKind, lang: TemplateLang): Promise<string> {
  const rules = await withTenant(ctx.deps.database, ctx.tenantId, (tx) => readClubRules(tx));
  const today = dayOf(ctx.deps.clock.now(), rules.timezone);
  const columns = templateColumns(kind, today);
  const zh = lang === "zh-CN";
  return writeCsv(
    columns.map((c) => textColumn<null>(zh ? c.zh : c.name, () => (zh ? c.sample.zh : c.sample.en))),
    [null],
  );
}

export function templateFileName(kind: TemplateKind, lang: TemplateLang): string {
  return `${kind}-import-template-${lang}.csv`;
}
