import { CircleAlert, CircleCheck, Info, TriangleAlert, type LucideIcon } from 'lucide-react';

import type { Notification, NotificationLevel } from '@/services/notifications.service';
import { cn } from '@/utils/cn';

import { relativeTime } from './time';

const LEVEL_ICONS: Record<NotificationLevel, { icon: LucideIcon; className: string }> = {
  info: { icon: Info, className: 'text-sky-500' },
  success: { icon: CircleCheck, className: 'text-emerald-500' },
  warning: { icon: TriangleAlert, className: 'text-amber-500' },
  error: { icon: CircleAlert, className: 'text-red-500' },
};

export interface NotificationListProps {
  items: Notification[];
  onMarkRead: (id: number) => void;
  busy?: boolean;
}

export function NotificationList({ items, onMarkRead, busy = false }: NotificationListProps) {
  if (items.length === 0) {
    return <p className="px-4 py-8 text-center text-sm text-slate-500">No notifications.</p>;
  }
  return (
    <ul className="divide-y divide-slate-100" aria-label="Notifications">
      {items.map((item) => {
        const { icon: Icon, className } = LEVEL_ICONS[item.level];
        return (
          <li
            key={item.id}
            className={cn('flex gap-3 px-4 py-3', !item.read && 'bg-sky-50/60')}
            data-testid={`notification-${item.id}`}
            data-read={item.read}
          >
            <Icon className={cn('mt-0.5 size-4 shrink-0', className)} aria-hidden="true" />
            <div className="min-w-0 flex-1">
              <p className={cn('text-sm text-slate-900', !item.read && 'font-semibold')}>
                {item.title}
              </p>
              {item.message && (
                <p className="mt-0.5 text-xs break-words text-slate-600">{item.message}</p>
              )}
              <p className="mt-1 text-[11px] text-slate-400">
                {item.source} · {relativeTime(item.created_at)}
              </p>
            </div>
            {!item.read && (
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  onMarkRead(item.id);
                }}
                className="h-fit shrink-0 rounded px-1.5 py-0.5 text-[11px] font-medium text-sky-700 hover:bg-sky-100 disabled:opacity-50"
                aria-label={`Mark "${item.title}" as read`}
              >
                Mark read
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
