import { Activity } from 'lucide-react';
import { Link, Navigate, useParams } from 'react-router-dom';

import { EmptyState } from '@/components/common/EmptyState';
import { Loader } from '@/components/common/Loader';
import { SessionMonitor } from '@/components/training/SessionMonitor';
import { StatusBadge } from '@/components/training/StatusBadge';
import { useTrainingSessions } from '@/hooks/useTraining';
import { errorMessage } from '@/services/errors';
import type { TrainingSessionSummary } from '@/services/training.service';
import { cn } from '@/utils/cn';

const ACTIVE_FILTER = { status: ['running' as const, 'queued' as const], limit: 50 };

/** The run to show when none is named: the oldest running one, else the next queued one. */
function pickSession(
  sessions: readonly TrainingSessionSummary[],
): TrainingSessionSummary | undefined {
  const byAge = [...sessions].sort((a, b) => a.created_at.localeCompare(b.created_at));
  return (
    byAge.find((session) => session.status === 'running') ??
    [...byAge]
      .filter((session) => session.status === 'queued')
      .sort((a, b) => (a.queue_position ?? 0) - (b.queue_position ?? 0))[0]
  );
}

function ActiveRunTabs({
  sessions,
  current,
}: {
  sessions: readonly TrainingSessionSummary[];
  current: string;
}) {
  if (sessions.length < 2 && sessions.every((session) => session.id === current)) return null;
  return (
    <nav aria-label="Active runs" className="mb-4 flex flex-wrap gap-2">
      {sessions.map((session) => (
        <Link
          key={session.id}
          to={`/training/active/${session.id}`}
          aria-current={session.id === current ? 'page' : undefined}
          className={cn(
            'inline-flex items-center gap-2 rounded-full border px-3 py-1 text-xs font-medium',
            session.id === current
              ? 'border-sky-500 bg-sky-50 text-sky-800'
              : 'border-slate-200 bg-white text-slate-600 hover:bg-slate-50',
          )}
        >
          <span className="max-w-56 truncate">{session.name}</span>
          <StatusBadge status={session.status} className="px-1.5 py-0" />
        </Link>
      ))}
    </nav>
  );
}

export default function ActiveTrainingPage() {
  const { sessionId } = useParams();
  const active = useTrainingSessions(ACTIVE_FILTER);

  let content;
  if (sessionId !== undefined) {
    content = (
      <>
        <ActiveRunTabs sessions={active.data?.items ?? []} current={sessionId} />
        <SessionMonitor key={sessionId} sessionId={sessionId} />
      </>
    );
  } else if (active.isError) {
    content = (
      <p role="alert" className="text-sm text-red-700">
        Could not load the active runs: {errorMessage(active.error)}
      </p>
    );
  } else if (active.data === undefined) {
    content = <Loader label="Looking for active runs…" />;
  } else {
    const chosen = pickSession(active.data.items);
    content =
      chosen === undefined ? (
        <EmptyState
          icon={Activity}
          title="No active training run"
          description="A running job shows its live loss curves, metrics per epoch, console and checkpoints here."
        >
          <div className="flex gap-3">
            <Link
              to="/training/new"
              className="rounded-md bg-sky-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-sky-500"
            >
              Start a new run
            </Link>
            <Link
              to="/training/history"
              className="rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
            >
              Open the history
            </Link>
          </div>
        </EmptyState>
      ) : (
        <Navigate to={`/training/active/${chosen.id}`} replace />
      );
  }

  return (
    <div data-testid="page-training-active">
      <h2 className="sr-only">Active training</h2>
      {content}
    </div>
  );
}
