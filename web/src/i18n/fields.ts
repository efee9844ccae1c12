/**
 * Refused fields in the reader's language. The server answers each refused field
 * with a stable code and its parameters (`fieldCodes`, docs/api.md); these dictionaries
 * word every code the server can send — typed against its list, so a new code does
 * not compile until both languages have it — and name the fields people fill in.
 */
import type { FieldCode } from "../../../server/src/http/field-codes.ts";
import { type Lang, lang } from "./index.ts";

export type FieldCoded = { code: string } & Record<string, unknown>;

type Words = Record<FieldCode, string>;

/** English: "one form|other form" picks by Intl.PluralRules on the parameter named in `n`. */
const en: Words = {
  required: "is required",
  invalid_type: "has the wrong kind of value",
  too_short: "is too short (at least {min} character|at least {min} characters)",
  too_long: "is too long (at most {max} character|at most {max} characters)",
  too_small: "must be at least {min}",
  too_large: "must be at most {max}",
  too_few_items: "needs at least {min}",
  too_many_items: "takes at most {max}",
  invalid_format: "is not a valid {format}",
  invalid_choice: "must be one of: {values}",
  unknown_field: "has fields this form does not know: {keys}",
  nothing_to_change: "has nothing to change",
  repeated: "is repeated",
  invalid: "is not valid",
  too_many_decimals: "has more than {max} decimals",
  not_finite: "must be a number",
  must_be_positive: "must be above zero",
  must_not_be_negative: "must not be negative",
  in_future: "is in the future",
  in_past: "is in the past",
  too_far_ahead: "is too far ahead",
  too_early: "must not be before {min}",
  before_from: "is before the start",
  one_or_other: "give one or the other, not both",
  both_needed: "needs both a start and an end",
  period_too_long: "spans more than {max} days",
  closed_month: "falls in {month}, a closed month: record it in the current month",
  month_not_ended: "{month} has not ended yet",
  year_not_started: "has not started yet",
  year_not_over: "is not over yet",
  not_in_club: "is not one of this club's",
  not_own: "must be your own",
  not_active_user: "is not an active user of this club",
  not_a_lead: "is not a team lead (give the user the team lead role first)",
  not_a_rep: "is not a rep: only reps are a team's members",
  leads_another_team: "already leads another team",
  not_in_team: "is not in this team",
  team_not_empty: "still has reps: move them out first",
  team_has_no_reps: "has no active rep to set a target for",
  no_owner_at_time: "had no owner then: choose the credited rep",
  unknown_business_line: "must be one of the club's business lines: {values}",
  taken: "is already taken",
  dropped: "was dropped: a manager must reopen it first",
  retired: "is no longer sold",
  loop: "would refer the customer to itself",
  same_owner: "is already the owner",
  not_in_review: "is not waiting for a review",
  status_change: "cannot change from {from} to {to}",
  list_price: "must be the list price ¥{listPrice}; another price needs a manager's approval",
  card_money: "card money comes through a card sale",
  club_year_volume: "would take the club's year past ¥{max}",
  already_planned: "is already planned for that day",
  already_reversed: "was already reversed",
  already_voided: "was already voided",
  submitted: "is submitted and locked",
  below_tier_a: "must be below the A threshold",
  promotion_not_approved: "is not an approved promotion",
  promotion_not_own: "is another rep's promotion",
  promotion_outside_window: "is outside the promotion's time",
  already_decided: "was already decided",
  already_started: "has already started",
  in_person_only: "is only taken for a visit or a demo",
  needs_position: "needs the phone's position",
  already_pinned: "already has a location",
  not_in_person: "is not a visit or a demo",
  on_site: "was verified on site: nothing to accept",
  voided: "is voided",
  already_accepted: "was already accepted",
  cursor: "is out of date: reload the list",
  key_reused: "was used for another request: try again",
  file_charset: "is in {charset}: save it as UTF-8 or GB18030",
  file_utf16: "is UTF-16: save it as CSV UTF-8",
  file_not_utf8: "is not UTF-8 or GB18030 text: save it as CSV",
  file_empty: "has no rows",
  file_too_many_rows: "has {rows} rows; at most {max}",
  column_missing: "is missing",
  column_unknown: "is not a column we know ({values})",
  imported_already: "was imported before",
  ambiguous_name: "matches {count} records with this name: use the id or e-mail instead",
  unknown_name: "matches no one of this club by that id, name or e-mail",
};

const zh: Words = {
  required: "必填",
  invalid_type: "类型不对",
  too_short: "太短（至少 {min} 个字符）",
  too_long: "太长（最多 {max} 个字符）",
  too_small: "不能小于 {min}",
  too_large: "不能大于 {max}",
  too_few_items: "至少需要 {min} 项",
  too_many_items: "最多 {max} 项",
  invalid_format: "格式不对（应为{format}）",
  invalid_choice: "只能是：{values}",
  unknown_field: "含有无法识别的字段：{keys}",
  nothing_to_change: "没有要修改的内容",
  repeated: "有重复",
  invalid: "无效",
  too_many_decimals: "最多保留 {max} 位小数",
  not_finite: "必须是数字",
  must_be_positive: "必须大于零",
  must_not_be_negative: "不能为负数",
  in_future: "不能是将来的时间",
  in_past: "不能是过去的日期",
  too_far_ahead: "太远了",
  too_early: "不能早于 {min}",
  before_from: "早于开始日期",
  one_or_other: "二者只能选其一",
  both_needed: "开始和结束都要填写",
  period_too_long: "跨度不能超过 {max} 天",
  closed_month: "属于已结算的 {month}，请记在本月",
  month_not_ended: "{month} 尚未结束",
  year_not_started: "尚未开始",
  year_not_over: "尚未结束",
  not_in_club: "不是本俱乐部的",
  not_own: "只能是你自己的",
  not_active_user: "不是本俱乐部的在职用户",
  not_a_lead: "不是组长（请先把该用户的角色设为组长）",
  not_a_rep: "不是营销代表：只有营销代表能加入小组",
  leads_another_team: "已经是另一个小组的组长",
  not_in_team: "不在这个小组里",
  team_not_empty: "组里还有营销代表，请先把他们移出",
  team_has_no_reps: "组里没有在职的营销代表，无法设定指标",
  no_owner_at_time: "当时没有负责人，请选择业绩归属的营销代表",
  unknown_business_line: "必须是俱乐部的业务之一：{values}",
  taken: "已被占用",
  dropped: "已放弃，需经理重新启用",
  retired: "已停售",
  loop: "会形成循环推荐",
  same_owner: "已经是负责人",
  not_in_review: "不在待审核名单中",
  status_change: "不能从{from}改为{to}",
  list_price: "须按牌价 ¥{listPrice} 销售，其他价格需经理批准",
  card_money: "会籍收入须通过售卡记录",
  club_year_volume: "会使俱乐部本年度总额超过 ¥{max}",
  already_planned: "当天已有计划",
  already_reversed: "已冲销",
  already_voided: "已撤销",
  submitted: "已提交，不能修改",
  below_tier_a: "必须低于 A 级门槛",
  promotion_not_approved: "不是已核准的推广活动",
  promotion_not_own: "是其他业务员的推广活动",
  promotion_outside_window: "不在推广活动的时间内",
  already_decided: "已经审批过",
  already_started: "已经开始",
  in_person_only: "仅拜访或演示时记录位置",
  needs_position: "需要手机位置",
  already_pinned: "客户已有位置",
  not_in_person: "不是拜访或演示",
  on_site: "已核实在客户处，无需接受",
  voided: "已撤销",
  already_accepted: "已接受",
  cursor: "列表已过期，请刷新",
  key_reused: "请求重复，请重试",
  file_charset: "编码为 {charset}，请另存为 UTF-8 或 GB18030",
  file_utf16: "是 UTF-16 编码，请另存为 CSV UTF-8",
  file_not_utf8: "不是 UTF-8 或 GB18030 文本，请另存为 CSV",
  file_empty: "没有数据行",
  file_too_many_rows: "共 {rows} 行，最多 {max} 行",
  column_missing: "缺少此列",
  column_unknown: "不是可识别的列（{values}）",
  imported_already: "已导入过",
  ambiguous_name: "有 {count} 条同名记录，请改用编号或电子邮箱",
  unknown_name: "本俱乐部没有这个编号、名称或电子邮箱",
};

/** Formats and statuses that appear as parameters, in the reader's words. */
const paramWords: Record<Lang, Record<string, string>> = {
  en: {
    email: "e-mail address",
    uuid: "id",
    datetime: "date and time",
    date: "date (YYYY-MM-DD)",
    month: "month (YYYY-MM)",
    quarter: "quarter (YYYY-Qn)",
    year: "year",
    week: "week",
    timezone: "time zone",
    amount: "amount",
    csv: "CSV",
    prospect: "prospect",
    active: "active",
    churned: "churned",
    dropped: "dropped",
    group: "group",
    individual: "individual",
  },
  "zh-CN": {
    email: "电子邮箱",
    uuid: "编号",
    datetime: "日期时间",
    date: "日期（年-月-日）",
    month: "月份（年-月）",
    quarter: "季度",
    year: "年份",
    week: "周",
    timezone: "时区",
    amount: "金额",
    csv: "CSV",
    prospect: "潜在客户",
    active: "现有客户",
    churned: "流失客户",
    dropped: "已放弃",
    group: "团体",
    individual: "个人",
    visit: "拜访",
    demo: "演示",
    phone: "电话",
    letter: "信函",
    membership: "会籍",
    catering: "餐饮",
    spa: "水疗",
    rooms: "客房",
    golf: "高尔夫",
    fitness: "健身",
    manager: "经理",
    rep: "营销代表",
  },
};

/** Names of the fields people fill in (the last part of a path: `line 3.amount` → amount). */
const fieldNames: Record<Lang, Record<string, string>> = {
  en: {
    amount: "amount",
    price: "price",
    businessLine: "business line",
    occurredAt: "date",
    customerId: "customer",
    cardTypeId: "card type",
    repId: "rep",
    ownerId: "owner",
    ownerEmail: "owner",
    toRepId: "new owner",
    name: "name",
    kind: "kind",
    status: "status",
    email: "e-mail",
    password: "password",
    role: "role",
    channel: "channel",
    outcome: "outcome",
    notes: "notes",
    reason: "reason",
    summary: "summary",
    day: "day",
    date: "date",
    month: "month",
    year: "year",
    quarter: "quarter",
    file: "file",
    ref: "reference",
    approvalNote: "approval note",
    tierA: "A threshold",
    tierB: "B threshold",
    body: "form",
    cursor: "list",
    limit: "page size",
    slug: "club code",
    cardsHeld: "cards held",
    expectedMonthlySpend: "expected monthly spend",
    referredById: "referred by",
    address: "address",
    phone: "phone",
    club: "club",
    "Idempotency-Key": "request",
  },
  "zh-CN": {
    amount: "金额",
    price: "售价",
    businessLine: "业务",
    occurredAt: "日期",
    customerId: "客户",
    cardTypeId: "卡种",
    repId: "营销代表",
    ownerId: "负责人",
    ownerEmail: "负责人",
    toRepId: "新负责人",
    name: "名称",
    kind: "客户类型",
    status: "状态",
    email: "电子邮箱",
    password: "密码",
    role: "角色",
    channel: "方式",
    outcome: "结果",
    notes: "备注",
    reason: "原因",
    summary: "内容",
    day: "日期",
    date: "日期",
    month: "月份",
    year: "年份",
    quarter: "季度",
    file: "文件",
    ref: "单号",
    approvalNote: "审批说明",
    tierA: "A 级门槛",
    tierB: "B 级门槛",
    body: "表单",
    cursor: "列表",
    limit: "每页条数",
    slug: "俱乐部代码",
    cardsHeld: "持有卡",
    expectedMonthlySpend: "预期月消费",
    referredById: "推荐人",
    address: "地址",
    phone: "电话",
    club: "俱乐部",
    "Idempotency-Key": "请求",
  },
};

const dictionaries: Record<Lang, Words> = { en, "zh-CN": zh };
const plurals: Partial<Record<Lang, Intl.PluralRules>> = {};

function param(l: Lang, v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => param(l, x)).join(l === "zh-CN" ? "、" : ", ");
  if (typeof v === "number") return v.toLocaleString(l);
  const s = String(v ?? "");
  return paramWords[l][s] ?? s;
}

/** A recorded value in the reader's words where it is one of the app's words (a status, a kind, a line). */
export function valueLabel(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (Array.isArray(v)) return v.length ? v.map(valueLabel).join(lang() === "zh-CN" ? "、" : ", ") : "—";
  if (typeof v === "object") return JSON.stringify(v);
  return param(lang(), v);
}

/** What is wrong with a field, in the reader's language, from its code and parameters. */
export function fieldProblem(coded: FieldCoded | undefined): string {
  const l = lang();
  const words = dictionaries[l];
  const code = coded?.code ?? "invalid";
  let text = (words as Record<string, string>)[code] ?? words.invalid;
  if (text.includes("|")) {
    const forms = text.split("|");
    const n = Number(coded?.max ?? coded?.min ?? coded?.n);
    plurals[l] ??= new Intl.PluralRules(l);
    text = (plurals[l].select(n) === "one" ? forms[0] : forms.at(-1)) ?? text;
  }
  return text.replace(/\{(\w+)\}/g, (_: string, k: string) => param(l, coded?.[k]));
}

/** A field's name in the reader's language: `line 3.amount` → "第 3 行 金额" / "line 3, amount"; `column x` → "x 列". */
export function fieldLabel(path: string): string {
  const l = lang();
  const line = /^line (\d+|\?)(?:\.(.+))?$/.exec(path);
  if (line) {
    const rest = line[2] ? fieldLabel(line[2]) : "";
    const at = l === "zh-CN" ? `第 ${line[1]} 行` : `line ${line[1]}`;
    return rest ? (l === "zh-CN" ? `${at} ${rest}` : `${at}, ${rest}`) : at;
  }
  const column = /^column (.+)$/.exec(path);
  if (column) return l === "zh-CN" ? `“${column[1]}”列` : `column “${column[1]}”`;
  const last = path.split(".").at(-1) ?? path;
  return fieldNames[l][path] ?? fieldNames[l][last] ?? last;
}

/** "金额：最多保留 2 位小数" — a refused field, named and explained. */
export function fieldSentence(path: string, coded: FieldCoded | undefined): string {
  return lang() === "zh-CN" ? `${fieldLabel(path)}：${fieldProblem(coded)}` : `${fieldLabel(path)} ${fieldProblem(coded)}`;
}
