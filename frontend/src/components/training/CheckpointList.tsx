import { Star } from 'lucide-react';

import { Loader } from '@/components/common/Loader';
import { Table, type Column } from '@/components/common/Table';
import { errorMessage } from '@/services/errors';
import type { Checkpoint } from '@/services/training.service';

import { formatBytes, formatDateTime, formatMetric, formatShortDateTime } from './format';

export interface CheckpointListProps {
  checkpoints: Checkpoint[] | undefined;
  isLoading: boolean;
  error: unknown;
  /** The family's resumable checkpoint file name (`resume_file`): marked "resumable". */
  resumeFile?: string | undefined;
}

function fileName(path: string): string {
  return path.split('/').pop() ?? path;
}

function checkpointColumns(resumeFile: string | undefined): Column<Checkpoint>[] {
  return [
    {
      key: 'epoch',
      header: 'Epoch',
      className: 'tabular-nums',
      cell: (checkpoint) => (
        <span className="inline-flex items-center gap-1.5">
          {checkpoint.epoch}
          {checkpoint.is_best && (
            <span className="inline-flex items-center gap-0.5 rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-700">
              <Star className="size-3 fill-amber-400 text-amber-500" aria-hidden="true" />
              best
            </span>
          )}
          {!checkpoint.exists && (
            <span className="text-[11px] text-slate-400" title="The file was removed">
              (pruned)
            </span>
          )}
        </span>
      ),
    },
    {
      key: 'map',
      header: 'Mask mAP50-95',
      className: 'tabular-nums',
      cell: (checkpoint) => formatMetric(checkpoint.metrics.mask_map50_95),
    },
    {
      key: 'file',
      header: 'File',
      className: 'font-mono text-xs text-slate-600',
      title: (checkpoint) => checkpoint.path,
      cell: (checkpoint) => (
        <>
          {fileName(checkpoint.path)}
          {resumeFile !== undefined && fileName(checkpoint.path) === resumeFile && (
            <span className="ml-1.5 font-sans text-[11px] text-slate-400">(resumable)</span>
          )}
        </>
      ),
    },
    {
      key: 'size',
      header: 'Size',
      className: 'whitespace-nowrap text-slate-600 tabular-nums',
      cell: (checkpoint) => formatBytes(checkpoint.size_bytes),
    },
    {
      key: 'saved',
      header: 'Saved',
      className: 'whitespace-nowrap text-slate-600 tabular-nums',
      title: (checkpoint) => formatDateTime(checkpoint.created_at),
      cell: (checkpoint) => formatShortDateTime(checkpoint.created_at),
    },
  ];
}

/**
 * Checkpoints kept for a session (what its family keeps: see the family's `checkpoint_note`),
 * newest epoch first, with their files and sizes.
 */
export function CheckpointList({ checkpoints, isLoading, error, resumeFile }: CheckpointListProps) {
  if (error !== null && error !== undefined) {
    return (
      <p className="text-sm text-red-700">Could not load checkpoints: {errorMessage(error)}</p>
    );
  }
  if (isLoading && checkpoints === undefined) return <Loader label="Loading checkpoints…" />;
  if (checkpoints === undefined || checkpoints.length === 0) {
    return <p className="text-sm text-slate-500">No checkpoint saved yet.</p>;
  }
  const rows = [...checkpoints].sort((a, b) => b.epoch - a.epoch);
  const onDisk = rows.filter((row) => row.exists).reduce((total, row) => total + row.size_bytes, 0);
  return (
    <div>
      <Table
        label="Checkpoints"
        variant="compact"
        columns={checkpointColumns(resumeFile)}
        rows={rows}
        rowKey={(checkpoint) => checkpoint.id}
        rowProps={() => ({ 'data-testid': 'checkpoint-row' })}
      />
      <p className="mt-2 text-xs text-slate-500" data-testid="checkpoints-on-disk">
        {formatBytes(onDisk)} on disk
      </p>
    </div>
  );
}
