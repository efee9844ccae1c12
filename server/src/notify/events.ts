import type { AlarmRow } from "../alarms/service.ts";

/** What a channel may receive (docs/notify.md). `test` is the settings screen's "send test message" only. */
export const NOTIFY_EVENTS = ["quota_alarm", "month_close", "complaint_overdue", "refresh_stale", "card_sold", "awards"] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export const NOTIFY_LANGUAGES = ["zh-CN", "en"] as const;
export type NotifyLanguage = (typeof NOTIFY_LANGUAGES)[number];

/**
 * One thing to announce. `data` holds the facts the message is written from (it is
 * stored with the outbox row, so a retry days later says what was true then);
 * `repId` is named in words by enqueueNotifications.
 */
export interface NotifyItem {
  event: NotifyEvent;
  repId?: string | null;
  data: Record<string, unknown>;
}

const ALARM_EVENTS: Record<string, NotifyEvent> = {
  pace: "quota_alarm",
  warning: "month_close",
  removal: "month_close",
  complaint: "complaint_overdue",
  refresh: "refresh_stale",
};

/** A freshly raised alarm as notifications (none for a kind no channel can subscribe to). */
export function alarmNotices(alarm: AlarmRow | undefined): NotifyItem[] {
  const event = alarm ? ALARM_EVENTS[alarm.kind] : undefined;
  if (!alarm || !event) return [];
  return [{ event, repId: alarm.repId, data: { alarmId: alarm.id, kind: alarm.kind, level: alarm.level, ...(alarm.data ?? {}) } }];
}
