// What the notify module offers the rest of the server (docs/notify.md).
export { enqueueNotifications } from "./enqueue.ts";
export { alarmNotices, NOTIFY_EVENTS, type NotifyEvent, type NotifyItem } from "./events.ts";
