import { Download, Trash2 } from 'lucide-react';

import { ProgressBar } from '@/components/common/ProgressBar';
import { useDeleteExport } from '@/hooks/useModels';
import { isActive, type ExportOut } from '@/services/models.service';
import { errorReason } from '@/services/errors';

import { JobStateBadge } from './Badge';
import { formatBytes, formatDateTime, formatPercent } from './format';
import { Callout } from '@/components/common/Callout';

const HEAD = 'px-3 py-2 text-left text-xs font-medium tracking-wide text-slate-500 uppercase';
const CELL = 'px-3 py-2.5 align-top';

function optionsSummary(options: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (typeof options.imgsz === 'number') parts.push(`${options.imgsz} px`);
  if (options.half === true) parts.push('FP16');
  if (options.dynamic === true) parts.push('dynamic');
  if (options.simplify === true) parts.push('simplified');
  if (typeof options.opset === 'number') parts.push(`opset ${options.opset}`);
  return parts.join(' · ');
}

export function ExportsTable({
  modelId,
  exports,
}: {
  modelId: string;
  exports: readonly ExportOut[];
}) {
  const remove = useDeleteExport(modelId);
  if (exports.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        No exports yet. Export the model to ONNX for fast CPU inference, or to another deployment
        format.
      </p>
    );
  }
  return (
    <div className="space-y-3">
      {remove.isError && <Callout tone="error">{errorReason(remove.error)}</Callout>}
      <div className="overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Exports">
          <thead>
            <tr>
              <th scope="col" className={`${HEAD} pl-0`}>
                Format
              </th>
              <th scope="col" className={HEAD}>
                Options
              </th>
              <th scope="col" className={HEAD}>
                Status
              </th>
              <th scope="col" className={`${HEAD} text-right`}>
                Size
              </th>
              <th scope="col" className={HEAD}>
                Created
              </th>
              <th scope="col" className={`${HEAD} pr-0 text-right`}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {exports.map((item) => (
              <tr key={item.id} data-testid="export-row" data-format={item.format}>
                <td className={`${CELL} pl-0 font-medium text-slate-900`}>
                  {item.format.toUpperCase()}
                  {item.file_name !== null && (
                    <p className="text-xs font-normal text-slate-500">
                      {item.file_name}
                      {item.is_directory ? ' (folder)' : ''}
                    </p>
                  )}
                </td>
                <td className={`${CELL} text-slate-600`}>{optionsSummary(item.options) || '—'}</td>
                <td className={CELL}>
                  <JobStateBadge status={item.status} />
                  {isActive(item.status) && (
                    <div className="mt-1.5 w-32">
                      <ProgressBar value={item.progress} max={1} label={`Export ${item.format}`} />
                      <p className="mt-0.5 text-xs text-slate-500 tabular-nums">
                        {formatPercent(item.progress)}
                      </p>
                    </div>
                  )}
                  {item.error !== null && item.error !== undefined && (
                    <p className="mt-1 max-w-xs text-xs text-red-700">{item.error}</p>
                  )}
                </td>
                <td className={`${CELL} text-right whitespace-nowrap text-slate-600 tabular-nums`}>
                  {item.status === 'completed' ? formatBytes(item.size_bytes) : '—'}
                </td>
                <td className={`${CELL} whitespace-nowrap text-slate-600`}>
                  {formatDateTime(item.created_at)}
                </td>
                <td className={`${CELL} pr-0`}>
                  <div className="flex items-center justify-end gap-1">
                    {item.download_url !== null && (
                      <a
                        href={item.download_url}
                        download
                        className="inline-flex h-8 items-center gap-1.5 rounded-md px-2.5 text-xs font-medium text-sky-700 hover:bg-sky-50"
                      >
                        <Download className="size-3.5" aria-hidden="true" />
                        Download
                      </a>
                    )}
                    <button
                      type="button"
                      aria-label={`Delete the ${item.format} export`}
                      disabled={item.status === 'running' || remove.isPending}
                      title={
                        item.status === 'running' ? 'Running exports cannot be deleted' : undefined
                      }
                      className="rounded-md p-1.5 text-slate-400 hover:bg-red-50 hover:text-red-600 disabled:cursor-not-allowed disabled:opacity-40"
                      onClick={() => {
                        remove.mutate(item.id);
                      }}
                    >
                      <Trash2 className="size-4" aria-hidden="true" />
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
