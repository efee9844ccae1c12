/** The demo club's cast, names and catalogues (docs/demo.md), and the seeded generator the plan draws from. */
export const DEMO_TZ = "Asia/Shanghai";
export const DEMO_SEED = 20_260_101;

/** mulberry32: a small, well-known seeded generator (uniform in [0, 1)). */
export function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
export const between = (r: Rand, lo: number, hi: number) => lo + (hi - lo) * r();
export const int = (r: Rand, lo: number, hi: number) => Math.floor(between(r, lo, hi + 1));

/** What each rep of the cast shows (docs/demo.md). */
export type RepCase = "champion" | "steady" | "third" | "ratio-behind" | "warning" | "overdue" | "late-diaries" | "pace";

export interface CastMember {
  case: RepCase;
  email: string;
  password: string;
  name: string;
  /** share of the club's customers (relative) */
  weight: number;
  /** monthly attainment range of closed months */
  attainment: [number, number];
  /** prospect contacts per required one (1:3): ≥ 1 keeps the ratio */
  prospectFactor: number;
  /** days between visits to an existing customer, as a share of the cadence interval */
  visitSpacing: [number, number];
}

export const CAST: CastMember[] = [
  {
    case: "champion",
    email: "rep@demo.club",
    password: "demo-rep-1",
    name: "张伟",
    weight: 1.5,
    attainment: [1.08, 1.3],
    prospectFactor: 1.3,
    visitSpacing: [0.5, 0.85],
  },
  {
    case: "steady",
    email: "rep2@demo.club",
    password: "demo-rep-2",
    name: "陈静",
    weight: 1.3,
    attainment: [1.02, 1.2],
    prospectFactor: 1.2,
    visitSpacing: [0.5, 0.85],
  },
  {
    case: "third",
    email: "rep3@demo.club",
    password: "demo-rep-3",
    name: "王芳",
    weight: 1.15,
    attainment: [1.0, 1.15],
    prospectFactor: 1.15,
    visitSpacing: [0.55, 0.9],
  },
  {
    case: "ratio-behind",
    email: "rep4@demo.club",
    password: "demo-rep-4",
    name: "刘洋",
    weight: 1.0,
    attainment: [0.86, 1.08],
    prospectFactor: 0.35,
    visitSpacing: [0.5, 0.85],
  },
  {
    case: "warning",
    email: "rep5@demo.club",
    password: "demo-rep-5",
    name: "赵磊",
    weight: 0.9,
    attainment: [0.85, 1.02],
    prospectFactor: 1.05,
    visitSpacing: [0.6, 0.9],
  },
  {
    case: "overdue",
    email: "rep6@demo.club",
    password: "demo-rep-6",
    name: "孙丽",
    weight: 0.95,
    attainment: [0.88, 1.05],
    prospectFactor: 1.1,
    visitSpacing: [1.3, 2.6],
  },
  {
    case: "late-diaries",
    email: "rep7@demo.club",
    password: "demo-rep-7",
    name: "周杰",
    weight: 0.85,
    attainment: [0.9, 1.06],
    prospectFactor: 1.1,
    visitSpacing: [0.55, 0.9],
  },
  {
    case: "pace",
    email: "rep8@demo.club",
    password: "demo-rep-8",
    name: "吴敏",
    weight: 0.8,
    attainment: [0.88, 1.04],
    prospectFactor: 1.1,
    visitSpacing: [0.55, 0.9],
  },
];

// ── names ────────────────────────────────────────────────────────────────────

export const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤".split(
    "",
  );
export const GIVEN = [
  "建国",
  "志强",
  "秀英",
  "海燕",
  "晓东",
  "丽华",
  "国庆",
  "振华",
  "文斌",
  "婷婷",
  "子涵",
  "思远",
  "雨桐",
  "浩然",
  "欣怡",
  "俊杰",
  "佳怡",
  "宇航",
  "嘉欣",
  "明辉",
  "红梅",
  "玉兰",
  "德明",
  "永刚",
  "美玲",
  "卫东",
  "春燕",
  "光辉",
  "少华",
  "雅琴",
  "立新",
  "凤英",
  "家豪",
  "梓萱",
  "一鸣",
  "晨曦",
  "慧敏",
  "宏伟",
  "桂芳",
  "伟",
  "静",
  "敏",
  "磊",
  "洁",
  "军",
  "勇",
  "艳",
  "涛",
  "超",
  "霞",
];
export const CITIES = ["上海", "浦东", "江苏", "浙江", "苏州", "杭州", "宁波", "无锡"];
export const BRANDS = [
  "瑞丰",
  "宏达",
  "金桥",
  "远洋",
  "星河",
  "恒通",
  "振华",
  "申华",
  "汇丰源",
  "东方明珠",
  "锦程",
  "华信",
  "嘉禾",
  "联合",
  "天成",
  "新世纪",
  "永安",
  "中宏",
  "百川",
  "鼎盛",
  "云帆",
  "润泽",
  "海纳",
  "凯达",
  "盛世",
  "和信",
  "长江",
  "银河",
  "九鼎",
  "同济",
];
export const TRADES = [
  "科技有限公司",
  "投资管理有限公司",
  "国际贸易有限公司",
  "实业集团",
  "建设工程有限公司",
  "律师事务所",
  "生物医药有限公司",
  "文化传媒有限公司",
  "置业有限公司",
  "物流有限公司",
  "会计师事务所",
  "电子科技股份有限公司",
];
export const TITLES = ["行政总监", "总经理", "办公室主任", "人力资源经理", "董事长助理", "工会主席"];
export const DISTRICTS = ["静安区南京西路", "浦东新区陆家嘴环路", "徐汇区漕溪北路", "长宁区虹桥路", "黄浦区淮海中路", "闵行区莘庄路"];

export const CARD_TYPES = [
  { name: "金卡 Gold", listPriceFen: 3_800_000, businessLine: "membership" },
  { name: "银卡 Silver", listPriceFen: 1_800_000, businessLine: "membership" },
  { name: "白金卡 Platinum", listPriceFen: 8_800_000, businessLine: "membership" },
  { name: "家庭卡 Family", listPriceFen: 2_800_000, businessLine: "membership" },
];

export const COMPLAINTS = [
  "包间预订被重复安排,客人到场后等候四十分钟",
  "SPA 技师临时更换,未提前通知",
  "会员卡积分未按时到账",
  "高尔夫练习场开放时间与公告不符",
  "宴会菜品上菜太慢,影响公司活动",
  "客房空调噪音大,换房不及时",
  "健身房器械维修久未完成",
  "账单金额有误,多收服务费",
  "停车位不足,会员无法停车",
  "前台接待态度冷淡",
  "餐厅包间卫生不达标",
  "发票开具延误一周",
];

export const DIARY_TEXT = [
  { targets: "拜访两家A级团体客户,跟进一位潜在客户", progress: "团体客户续卡意向明确,下周签约" },
  { targets: "电话回访本月新卡客户", progress: "回访完成,客户对餐饮服务满意" },
  { targets: "陪同潜在客户参观会所", progress: "客户对高尔夫项目感兴趣,约定再次面谈" },
  { targets: "整理客户资料,季度增补", progress: "已更新五位客户的联系人和消费情况" },
  { targets: "筹备团体客户答谢活动", progress: "场地和菜单已确认" },
];
