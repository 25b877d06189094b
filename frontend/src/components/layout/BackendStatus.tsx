import { useEffect, useRef, useState } from 'react';

import { Modal } from '@/components/common/Modal';
import { backendStatusOf, useHealth, type BackendStatus as Status } from '@/hooks/useSystem';
import { errorMessage } from '@/services/errors';
import { showToast } from '@/store/uiStore';
import { cn } from '@/utils/cn';

const DOT_CLASSES: Record<Status, string> = {
  checking: 'bg-slate-400',
  healthy: 'bg-emerald-500',
  degraded: 'bg-amber-500',
  unhealthy: 'bg-red-500',
  unreachable: 'bg-red-500',
};

const LABELS: Record<Status, string> = {
  checking: 'checking…',
  healthy: 'healthy',
  degraded: 'degraded',
  unhealthy: 'unhealthy',
  unreachable: 'unreachable',
};

/** Toasts when the backend goes away and when it comes back (not on the first poll). */
function useConnectionToasts(status: Status) {
  const previous = useRef<Status>('checking');
  useEffect(() => {
    const before = previous.current;
    previous.current = status;
    if (status === 'unreachable' && before !== 'unreachable' && before !== 'checking') {
      showToast({
        variant: 'error',
        title: 'Backend unreachable',
        description: 'The app will keep trying to reconnect.',
      });
    } else if (before === 'unreachable' && status !== 'unreachable' && status !== 'checking') {
      showToast({ variant: 'success', title: 'Backend reachable again' });
    }
  }, [status]);
}

export function BackendStatus() {
  const health = useHealth();
  const status = backendStatusOf(health);
  const [detailsOpen, setDetailsOpen] = useState(false);
  useConnectionToasts(status);

  return (
    <>
      <button
        type="button"
        onClick={() => {
          setDetailsOpen(true);
        }}
        className="inline-flex items-center gap-2 rounded-full border border-slate-200 bg-white px-3 py-1 text-xs font-medium text-slate-700 shadow-sm hover:bg-slate-50"
        aria-haspopup="dialog"
      >
        <span
          className={cn('size-2 rounded-full', DOT_CLASSES[status])}
          data-status={status}
          aria-hidden="true"
        />
        <span data-testid="backend-status">Backend: {LABELS[status]}</span>
      </button>
      <Modal
        open={detailsOpen}
        onOpenChange={setDetailsOpen}
        title="Backend status"
        description="Polled every 10 seconds from /api/v1/system/health."
      >
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-slate-500">Status</dt>
          <dd className="font-medium text-slate-900">{LABELS[status]}</dd>
          {health.isError && (
            <>
              <dt className="text-slate-500">Error</dt>
              <dd className="text-red-700">{errorMessage(health.error)}</dd>
            </>
          )}
          {health.data && !health.isError && (
            <>
              <dt className="text-slate-500">Database</dt>
              <dd className="text-slate-900">
                {health.data.database.ok ? 'OK' : 'Not OK'}
                {health.data.database.detail ? ` (${health.data.database.detail})` : ''}
              </dd>
              <dt className="text-slate-500">Version</dt>
              <dd className="font-mono text-slate-900">{health.data.version}</dd>
            </>
          )}
        </dl>
      </Modal>
    </>
  );
}
