import { Star } from 'lucide-react';

import { Loader } from '@/components/common/Loader';
import { errorMessage } from '@/services/errors';
import type { Checkpoint } from '@/services/training.service';

import { formatBytes, formatDateTime, formatMetric, formatShortDateTime } from './format';

export interface CheckpointListProps {
  checkpoints: Checkpoint[] | undefined;
  isLoading: boolean;
  error: unknown;
}

function fileName(path: string): string {
  return path.split('/').pop() ?? path;
}

/**
 * Checkpoints kept for a session (YOLO: the best plus the last N; RF-DETR: its best weights, and its
 * resumable last.ckpt while it can resume), newest epoch first, with their files and sizes.
 */
export function CheckpointList({ checkpoints, isLoading, error }: CheckpointListProps) {
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
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Checkpoints">
        <thead className="text-xs text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">
              Epoch
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Mask mAP50-95
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              File
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Size
            </th>
            <th scope="col" className="py-2 font-medium">
              Saved
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((checkpoint) => (
            <tr key={checkpoint.id} data-testid="checkpoint-row">
              <td className="py-2 pr-3 tabular-nums">
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
              </td>
              <td className="py-2 pr-3 tabular-nums">
                {formatMetric(checkpoint.metrics.mask_map50_95)}
              </td>
              <td className="py-2 pr-3 font-mono text-xs text-slate-600" title={checkpoint.path}>
                {fileName(checkpoint.path)}
                {checkpoint.path.endsWith('.ckpt') && (
                  <span className="ml-1.5 font-sans text-[11px] text-slate-400">(resumable)</span>
                )}
              </td>
              <td className="py-2 pr-3 whitespace-nowrap text-slate-600 tabular-nums">
                {formatBytes(checkpoint.size_bytes)}
              </td>
              <td
                className="py-2 whitespace-nowrap text-slate-600 tabular-nums"
                title={formatDateTime(checkpoint.created_at)}
              >
                {formatShortDateTime(checkpoint.created_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-slate-500" data-testid="checkpoints-on-disk">
        {formatBytes(onDisk)} on disk
      </p>
    </div>
  );
}
