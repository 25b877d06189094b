import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { unwrap } from './errors';

export type Notification = ApiSchema<'NotificationOut'>;
export type NotificationPage = ApiSchema<'NotificationPage'>;
export type NotificationLevel = Notification['level'];

/** A /ws/notifications message: a new notification, with the unread count at that moment. */
export type NotificationMessage = Notification & {
  type: 'notification';
  timestamp: string;
  unread_count: number;
};

export const NOTIFICATION_SOCKET_PATH = '/ws/notifications';
const LEVELS: readonly string[] = ['info', 'success', 'warning', 'error'];

export function parseNotificationMessage(value: unknown): NotificationMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Record<string, unknown>;
  if (message.type !== 'notification' || typeof message.id !== 'number') return null;
  if (typeof message.title !== 'string' || !LEVELS.includes(String(message.level))) return null;
  return value as NotificationMessage;
}

export interface NotificationQuery {
  limit: number;
  unreadOnly: boolean;
}

export async function fetchNotifications(
  { limit, unreadOnly }: NotificationQuery,
  signal?: AbortSignal,
): Promise<NotificationPage> {
  return unwrap(
    api.GET('/api/v1/notifications', {
      params: { query: { limit, offset: 0, unread: unreadOnly } },
      signal,
    }),
  );
}

export async function markNotificationRead(id: number): Promise<Notification> {
  return unwrap(
    api.POST('/api/v1/notifications/{notification_id}/read', {
      params: { path: { notification_id: id } },
    }),
  );
}

export async function markAllNotificationsRead(): Promise<number> {
  const data = await unwrap(api.POST('/api/v1/notifications/read-all'));
  return data.updated;
}
