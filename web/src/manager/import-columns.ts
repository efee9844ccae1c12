/**
 * The columns each CSV import accepts, as the Import screen hints them: the column's
 * name and the Chinese headers the server also takes for it (server/src/revenue/import.ts
 * REVENUE_COLUMNS, server/src/customers/csv.ts CUSTOMER_COLUMNS — a test keeps the two
 * lists equal).
 */
export type ImportKind = "revenue" | "customers";
export interface ImportColumn {
  name: string;
  required: boolean;
  /** Chinese headers, the usual one first */
  zh: string[];
}

export const IMPORT_COLUMNS: Record<ImportKind, ImportColumn[]> = {
  revenue: [
    { name: "customerId", required: true, zh: ["客户", "客户名称", "客户编号"] },
    { name: "amount", required: true, zh: ["金额"] },
    { name: "businessLine", required: true, zh: ["业务", "业务类型"] },
    { name: "occurredAt", required: true, zh: ["日期", "发生时间"] },
    { name: "repId", required: false, zh: ["营销代表"] },
    { name: "ref", required: false, zh: ["单号"] },
  ],
  customers: [
    { name: "name", required: true, zh: ["客户名称", "名称", "客户", "姓名"] },
    { name: "kind", required: true, zh: ["类型", "客户类型"] },
    { name: "status", required: false, zh: ["状态"] },
    { name: "ownerEmail", required: false, zh: ["负责人", "负责人邮箱", "营销代表"] },
    { name: "expectedMonthlySpend", required: false, zh: ["预计月消费", "预计月消费（元）"] },
    { name: "phone", required: false, zh: ["电话"] },
    { name: "email", required: false, zh: ["邮箱", "电子邮箱"] },
    { name: "address", required: false, zh: ["地址"] },
    { name: "postcode", required: false, zh: ["邮编"] },
    { name: "legalRepresentative", required: false, zh: ["法定代表人", "法人代表"] },
    { name: "enterpriseNature", required: false, zh: ["企业性质"] },
    { name: "size", required: false, zh: ["规模"] },
    { name: "needs", required: false, zh: ["需求"] },
  ],
};
