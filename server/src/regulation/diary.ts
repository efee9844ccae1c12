import { type ClubDay, dayOf } from "../time/club-time.ts";
import { type ContactChannel, type ContactTarget, isInPerson } from "./contacts.ts";

/**
 * The work diary's derived figures (docs/regulation.md, 第四条 1 业务发展工作日志): computed
 * from the ledger, never typed by hand (第六条: 严格统计数字、不得弄虚作假).
 */

export interface DiaryContact {
  customerId: string;
  channel: ContactChannel;
  target: ContactTarget;
  occurredAt: Date;
  voided: boolean;
}

export interface DiaryRevenue {
  /** signed: a reversal is negative */
  amountFen: number;
  occurredAt: Date;
}

export interface NewCardCustomer {
  customerId: string;
  /** when a card sale turned the prospect active */
  activatedAt: Date;
}

export interface DiaryInput {
  day: ClubDay;
  tz: string;
  /** the rep's contacts; those on other club days are ignored */
  contacts: readonly DiaryContact[];
  /** revenue credited to the rep; entries on other club days are ignored */
  revenue: readonly DiaryRevenue[];
  /** customers the rep turned active with a card sale (新卡客户) */
  newCardCustomers: readonly NewCardCustomer[];
}

export interface DiaryFigures {
  /** ② 访问客户人数: distinct customers met in person */
  customersContactedInPerson: number;
  /** ② 访问次数: visits and demos */
  inPersonContacts: number;
  calls: number;
  letters: number;
  /** ③ 面谈或介绍业务次数 */
  demos: number;
  /** ⑤ 新各类卡客户量 (distinct) */
  newCardCustomers: number;
  /** ⑥ 业务收入, net of reversals booked that day */
  revenueCreditedFen: number;
  /** ④ 业务发展对象: distinct customers with any contact classed prospect */
  prospectsWorkedOn: number;
}

/** Figures for one rep's club day; voided contacts are excluded. */
export function diaryFigures(input: DiaryInput): DiaryFigures {
  const onDay = (t: Date) => dayOf(t, input.tz) === input.day;
  const contacts = input.contacts.filter((c) => !c.voided && onDay(c.occurredAt));
  const inPerson = contacts.filter((c) => isInPerson(c.channel));
  const count = (channel: ContactChannel) => contacts.filter((c) => c.channel === channel).length;
  return {
    customersContactedInPerson: new Set(inPerson.map((c) => c.customerId)).size,
    inPersonContacts: inPerson.length,
    calls: count("phone"),
    letters: count("letter"),
    demos: count("demo"),
    newCardCustomers: new Set(input.newCardCustomers.filter((n) => onDay(n.activatedAt)).map((n) => n.customerId)).size,
    revenueCreditedFen: input.revenue.filter((r) => onDay(r.occurredAt)).reduce((sum, r) => sum + r.amountFen, 0),
    prospectsWorkedOn: new Set(contacts.filter((c) => c.target === "prospect").map((c) => c.customerId)).size,
  };
}
