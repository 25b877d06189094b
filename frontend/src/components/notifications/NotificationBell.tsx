import { Bell } from 'lucide-react';
import { useCallback, useRef, useState } from 'react';

import { Loader } from '@/components/common/Loader';
import {
  useMarkAllNotificationsRead,
  useMarkNotificationRead,
  useNotifications,
} from '@/hooks/useMonitoring';
import { useDismissOnOutside } from '@/hooks/useDismissOnOutside';
import { errorMessage } from '@/services/errors';
import { cn } from '@/utils/cn';

import { NotificationList } from './NotificationList';

const PAGE_SIZE = 20;
const MAX_LIMIT = 100;

/** The bell in the header: unread count, and a panel with the list, mark read and mark all read. */
export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const closeMenu = useCallback(() => {
    setOpen(false);
  }, []);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [limit, setLimit] = useState(PAGE_SIZE);
  const panelRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  // The count is always needed (badge); the list only while the panel is open.
  const counts = useNotifications({ limit: 1, unreadOnly: true });
  const list = useNotifications({ limit, unreadOnly }, open);
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const unread = counts.data?.unread_count ?? 0;

  useDismissOnOutside(open, closeMenu, panelRef, buttonRef);

  const page = list.data;
  const canLoadMore = page !== undefined && page.items.length < page.total && limit < MAX_LIMIT;
  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        onClick={() => {
          setOpen((value) => !value);
        }}
        aria-expanded={open}
        aria-haspopup="dialog"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        className="relative inline-flex size-8 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      >
        <Bell className="size-5" aria-hidden="true" />
        {unread > 0 && (
          <span
            data-testid="unread-count"
            className="absolute -top-0.5 -right-0.5 min-w-4 rounded-full bg-red-500 px-1 text-center text-[10px] leading-4 font-semibold text-white"
          >
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div
          ref={panelRef}
          role="dialog"
          aria-label="Notification centre"
          className="absolute right-0 z-40 mt-2 w-96 max-w-[calc(100vw-2rem)] overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xl"
        >
          <div className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-2.5">
            <h2 className="text-sm font-semibold text-slate-900">Notifications</h2>
            <div className="flex items-center gap-3 text-xs">
              <label className="flex items-center gap-1 text-slate-600">
                <input
                  type="checkbox"
                  checked={unreadOnly}
                  onChange={(event) => {
                    setUnreadOnly(event.target.checked);
                  }}
                />
                Unread only
              </label>
              <button
                type="button"
                disabled={unread === 0 || markAll.isPending}
                onClick={() => {
                  markAll.mutate();
                }}
                className="font-medium text-sky-700 hover:underline disabled:text-slate-400 disabled:no-underline"
              >
                Mark all read
              </button>
            </div>
          </div>
          <div className="max-h-96 overflow-y-auto">
            {list.isPending && <Loader className="p-4" label="Loading notifications…" />}
            {list.isError && <p className="p-4 text-sm text-red-700">{errorMessage(list.error)}</p>}
            {page && (
              <NotificationList
                items={page.items}
                busy={markRead.isPending}
                onMarkRead={(id) => {
                  markRead.mutate(id);
                }}
              />
            )}
          </div>
          {canLoadMore && (
            <button
              type="button"
              onClick={() => {
                setLimit((value) => Math.min(value + PAGE_SIZE, MAX_LIMIT));
              }}
              className={cn(
                'w-full border-t border-slate-100 py-2 text-xs font-medium text-sky-700 hover:bg-slate-50',
              )}
            >
              Show more ({page.total - page.items.length} older)
            </button>
          )}
        </div>
      )}
    </div>
  );
}
