import { Download, Trash2 } from 'lucide-react';
import { Link } from 'react-router-dom';

import { Table, type Column } from '@/components/common/Table';
import {
  isFinished,
  metricsCsvUrl,
  type TrainingSessionSummary,
} from '@/services/training.service';

import {
  formatDateTime,
  formatDuration,
  formatMetric,
  formatShortDateTime,
  secondsBetween,
} from './format';
import { StatusBadge } from './StatusBadge';

export interface SessionTableProps {
  sessions: readonly TrainingSessionSummary[];
  selected: ReadonlySet<string>;
  onToggle: (sessionId: string) => void;
  onToggleAll: (select: boolean) => void;
  onDelete: (session: TrainingSessionSummary) => void;
}

function duration(session: TrainingSessionSummary): string {
  return formatDuration(secondsBetween(session.started_at, session.finished_at));
}

function SessionActions({
  session,
  onDelete,
}: {
  session: TrainingSessionSummary;
  onDelete: (session: TrainingSessionSummary) => void;
}) {
  const finished = isFinished(session.status);
  return (
    <div className="flex justify-end gap-1">
      <a
        href={metricsCsvUrl(session.id)}
        download
        aria-label={`Download the metrics of ${session.name} as CSV`}
        title="Metrics as CSV"
        className="rounded p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-800"
      >
        <Download className="size-4" aria-hidden="true" />
      </a>
      <button
        type="button"
        aria-label={`Delete ${session.name}`}
        title={
          finished ? 'Delete the run and its files' : 'Stop or cancel the run before deleting it'
        }
        disabled={!finished}
        onClick={() => {
          onDelete(session);
        }}
        className="rounded p-1.5 text-slate-500 hover:bg-red-50 hover:text-red-700 disabled:cursor-not-allowed disabled:opacity-30 disabled:hover:bg-transparent disabled:hover:text-slate-500"
      >
        <Trash2 className="size-4" aria-hidden="true" />
      </button>
    </div>
  );
}

function sessionColumns(
  onDelete: (session: TrainingSessionSummary) => void,
): Column<TrainingSessionSummary>[] {
  return [
    {
      key: 'name',
      header: 'Name',
      className: 'max-w-56',
      sortValue: (session) => session.name.toLowerCase(),
      cell: (session) => (
        <Link
          to={`/training/sessions/${session.id}`}
          className="block truncate font-medium text-slate-900 hover:text-sky-700 hover:underline"
          title={session.name}
        >
          {session.name}
        </Link>
      ),
    },
    {
      key: 'dataset',
      header: 'Dataset',
      className: 'max-w-36 truncate text-slate-600',
      cell: (session) => session.dataset_name ?? <span className="text-slate-400">deleted</span>,
    },
    {
      key: 'model',
      header: 'Model',
      className: 'font-mono text-xs whitespace-nowrap text-slate-700',
      cell: (session) => session.model_arch,
    },
    {
      key: 'status',
      header: 'Status',
      cell: (session) => <StatusBadge status={session.status} />,
    },
    {
      key: 'epochs',
      header: 'Epochs',
      className: 'whitespace-nowrap text-slate-700 tabular-nums',
      cell: (session) => `${session.current_epoch} / ${session.total_epochs}`,
    },
    {
      key: 'best',
      header: 'Best mAP',
      className: 'font-medium text-slate-900 tabular-nums',
      sortValue: (session) => session.best_metric,
      cell: (session) => formatMetric(session.best_metric),
    },
    {
      key: 'duration',
      header: 'Duration',
      className: 'text-slate-600 tabular-nums',
      cell: duration,
    },
    {
      key: 'created',
      header: 'Created',
      className: 'whitespace-nowrap text-slate-600 tabular-nums',
      title: (session) => formatDateTime(session.created_at),
      sortValue: (session) => session.created_at,
      cell: (session) => formatShortDateTime(session.created_at),
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      cell: (session) => <SessionActions session={session} onDelete={onDelete} />,
    },
  ];
}

/** All runs with their outcome; rows can be selected for comparison and sorted. */
export function SessionTable({
  sessions,
  selected,
  onToggle,
  onToggleAll,
  onDelete,
}: SessionTableProps) {
  return (
    <Table
      label="Training runs"
      variant="banded"
      columns={sessionColumns(onDelete)}
      rows={sessions}
      rowKey={(session) => session.id}
      rowProps={(session) => ({ 'data-testid': 'session-row', 'data-session-id': session.id })}
      selection={{
        selected,
        onToggle,
        label: (session) => `Select ${session.name}`,
        headerLabel: 'Select all runs',
        onToggleAll,
      }}
    />
  );
}
