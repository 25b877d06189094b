import { GitCompare, History } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Card } from '@/components/common/Card';
import { EmptyState } from '@/components/common/EmptyState';
import { Loader } from '@/components/common/Loader';
import { Modal } from '@/components/common/Modal';
import { CompareView } from '@/components/training/CompareView';
import {
  hasFilters,
  NO_FILTERS,
  toSessionFilters,
  type HistoryFilterValues,
} from '@/components/training/filters';
import { HistoryFilters } from '@/components/training/HistoryFilters';
import { SessionTable } from '@/components/training/SessionTable';
import {
  useArchitectures,
  useDeleteSession,
  useReadyDatasets,
  useTrainingSessions,
} from '@/hooks/useTraining';
import { errorMessage } from '@/services/errors';
import type { TrainingSessionSummary } from '@/services/training.service';
import { showToast } from '@/store/uiStore';

const SEARCH_DEBOUNCE_MS = 300;

function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => {
      setSettled(value);
    }, delayMs);
    return () => {
      clearTimeout(timer);
    };
  }, [value, delayMs]);
  return settled;
}

function DeleteDialog({
  session,
  onClose,
}: {
  session: TrainingSessionSummary | null;
  onClose: () => void;
}) {
  const remove = useDeleteSession();
  return (
    <Modal
      open={session !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title="Delete this run?"
      description="Its metrics, logs, checkpoints and files are removed. A model registered from it stays in Models."
    >
      <p className="text-sm font-medium text-slate-900">{session?.name}</p>
      <div className="mt-6 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose} disabled={remove.isPending}>
          Keep it
        </Button>
        <Button
          variant="danger"
          disabled={remove.isPending || session === null}
          onClick={() => {
            if (session === null) return;
            remove.mutate(session.id, {
              onSuccess: () => {
                showToast({ variant: 'success', title: 'Run deleted', description: session.name });
                onClose();
              },
              onError: (error) => {
                showToast({
                  variant: 'error',
                  title: 'Could not delete the run',
                  description: errorMessage(error),
                });
              },
            });
          }}
        >
          {remove.isPending ? 'Deleting…' : 'Delete'}
        </Button>
      </div>
    </Modal>
  );
}

export default function TrainingHistoryPage() {
  const [filters, setFilters] = useState<HistoryFilterValues>(NO_FILTERS);
  // Typing in the search box sends one request after a pause, not one per keystroke.
  const requested = useDebounced(filters, SEARCH_DEBOUNCE_MS);
  const sessions = useTrainingSessions(toSessionFilters(requested));
  const datasets = useReadyDatasets();
  const architectures = useArchitectures();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [compared, setCompared] = useState<readonly string[] | null>(null);
  const [toDelete, setToDelete] = useState<TrainingSessionSummary | null>(null);

  const items = sessions.data?.items ?? [];
  const visibleSelected = items.filter((session) => selected.has(session.id)).map((s) => s.id);

  const toggle = (sessionId: string) => {
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(sessionId)) next.delete(sessionId);
      else next.add(sessionId);
      return next;
    });
  };
  const toggleAll = (select: boolean) => {
    setSelected(select ? new Set(items.map((session) => session.id)) : new Set());
  };

  const noRunsAtAll = sessions.data?.total === 0 && !hasFilters(requested) && !hasFilters(filters);

  return (
    <div data-testid="page-training-history" className="space-y-6">
      <h2 className="sr-only">Training history</h2>
      {noRunsAtAll ? (
        <EmptyState
          icon={History}
          title="No training runs yet"
          description="Every run is listed here with its status, best mAP and duration; select two or more to compare their curves."
        >
          <Link
            to="/training/new"
            className="rounded-md bg-sky-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-sky-500"
          >
            Start a new run
          </Link>
        </EmptyState>
      ) : (
        <Card className="overflow-hidden [&>div]:p-0">
          <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 px-5 py-4">
            <HistoryFilters
              values={filters}
              onChange={setFilters}
              datasets={datasets.data ?? []}
              architectures={architectures.data?.items ?? []}
            />
            <Button
              variant="secondary"
              disabled={visibleSelected.length < 2}
              title={visibleSelected.length < 2 ? 'Select two or more runs' : undefined}
              onClick={() => {
                setCompared(visibleSelected);
              }}
            >
              <GitCompare className="size-4" aria-hidden="true" />
              Compare{visibleSelected.length > 0 ? ` (${visibleSelected.length})` : ''}
            </Button>
          </div>
          {sessions.isError && (
            <p role="alert" className="px-5 py-4 text-sm text-red-700">
              Could not load the runs: {errorMessage(sessions.error)}
            </p>
          )}
          {sessions.isPending && <Loader className="px-5 py-4" label="Loading runs…" />}
          {sessions.data !== undefined &&
            (items.length === 0 ? (
              <p className="px-5 py-10 text-center text-sm text-slate-500">
                No run matches these filters.
              </p>
            ) : (
              <SessionTable
                sessions={items}
                selected={selected}
                onToggle={toggle}
                onToggleAll={toggleAll}
                onDelete={setToDelete}
              />
            ))}
          {sessions.data !== undefined && (
            <p className="border-t border-slate-100 px-5 py-2.5 text-xs text-slate-500">
              {sessions.data.total > items.length
                ? `Showing the newest ${items.length} of ${sessions.data.total} runs: narrow the filters to find older ones.`
                : `${sessions.data.total} run${sessions.data.total === 1 ? '' : 's'}`}
            </p>
          )}
        </Card>
      )}

      {compared !== null && (
        <CompareView
          sessionIds={compared}
          onClose={() => {
            setCompared(null);
          }}
        />
      )}

      <DeleteDialog
        session={toDelete}
        onClose={() => {
          setToDelete(null);
        }}
      />
    </div>
  );
}
