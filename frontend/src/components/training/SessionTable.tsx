import { Download, Trash2 } from 'lucide-react';
import { Link } from 'react-router-dom';

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

const HEADERS = ['Name', 'Dataset', 'Model', 'Status', 'Epochs', 'Best mAP', 'Duration', 'Created'];

function duration(session: TrainingSessionSummary): string {
  return formatDuration(secondsBetween(session.started_at, session.finished_at));
}

/** All runs with their outcome; rows can be selected for comparison. */
export function SessionTable({
  sessions,
  selected,
  onToggle,
  onToggleAll,
  onDelete,
}: SessionTableProps) {
  const allSelected = sessions.length > 0 && sessions.every((session) => selected.has(session.id));
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Training runs">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-500">
          <tr>
            <th scope="col" className="w-10 px-3 py-2.5">
              <input
                type="checkbox"
                aria-label="Select all runs"
                checked={allSelected}
                onChange={(event) => {
                  onToggleAll(event.target.checked);
                }}
                className="size-4 accent-sky-600"
              />
            </th>
            {HEADERS.map((header) => (
              <th key={header} scope="col" className="px-2.5 py-2.5 font-medium whitespace-nowrap">
                {header}
              </th>
            ))}
            <th scope="col" className="px-3 py-2.5">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {sessions.map((session) => {
            const checked = selected.has(session.id);
            return (
              <tr
                key={session.id}
                data-testid="session-row"
                data-session-id={session.id}
                className={checked ? 'bg-sky-50/50' : 'hover:bg-slate-50'}
              >
                <td className="px-3 py-2.5">
                  <input
                    type="checkbox"
                    aria-label={`Select ${session.name}`}
                    checked={checked}
                    onChange={() => {
                      onToggle(session.id);
                    }}
                    className="size-4 accent-sky-600"
                  />
                </td>
                <td className="max-w-56 px-2.5 py-2.5">
                  <Link
                    to={`/training/sessions/${session.id}`}
                    className="block truncate font-medium text-slate-900 hover:text-sky-700 hover:underline"
                    title={session.name}
                  >
                    {session.name}
                  </Link>
                </td>
                <td className="max-w-36 truncate px-2.5 py-2.5 text-slate-600">
                  {session.dataset_name ?? <span className="text-slate-400">deleted</span>}
                </td>
                <td className="px-2.5 py-2.5 font-mono text-xs whitespace-nowrap text-slate-700">
                  {session.model_arch}
                </td>
                <td className="px-2.5 py-2.5">
                  <StatusBadge status={session.status} />
                </td>
                <td className="px-2.5 py-2.5 whitespace-nowrap text-slate-700 tabular-nums">
                  {session.current_epoch} / {session.total_epochs}
                </td>
                <td className="px-2.5 py-2.5 font-medium text-slate-900 tabular-nums">
                  {formatMetric(session.best_metric)}
                </td>
                <td className="px-2.5 py-2.5 text-slate-600 tabular-nums">{duration(session)}</td>
                <td
                  className="px-2.5 py-2.5 whitespace-nowrap text-slate-600 tabular-nums"
                  title={formatDateTime(session.created_at)}
                >
                  {formatShortDateTime(session.created_at)}
                </td>
                <td className="px-3 py-2.5">
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
                        isFinished(session.status)
                          ? 'Delete the run and its files'
                          : 'Stop or cancel the run before deleting it'
                      }
                      disabled={!isFinished(session.status)}
                      onClick={() => {
                        onDelete(session);
                      }}
                      className="rounded p-1.5 text-slate-500 hover:bg-red-50 hover:text-red-700 disabled:cursor-not-allowed disabled:opacity-30 disabled:hover:bg-transparent disabled:hover:text-slate-500"
                    >
                      <Trash2 className="size-4" aria-hidden="true" />
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
