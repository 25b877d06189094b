import { Download, Trash2 } from 'lucide-react';

import { ProgressBar } from '@/components/common/ProgressBar';
import { Table, type Column } from '@/components/common/Table';
import { useDeleteExport } from '@/hooks/useModels';
import { isActive, type ExportOut } from '@/services/models.service';
import { errorReason } from '@/services/errors';

import { JobStateBadge } from './Badge';
import { formatBytes, formatDateTime, formatPercent } from './format';
import { Callout } from '@/components/common/Callout';

function optionsSummary(options: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (typeof options.imgsz === 'number') parts.push(`${options.imgsz} px`);
  if (options.half === true) parts.push('FP16');
  if (options.dynamic === true) parts.push('dynamic');
  if (options.simplify === true) parts.push('simplified');
  if (typeof options.opset === 'number') parts.push(`opset ${options.opset}`);
  return parts.join(' · ');
}

function ExportFormat({ item }: { item: ExportOut }) {
  return (
    <>
      {item.format.toUpperCase()}
      {item.file_name !== null && (
        <p className="text-xs font-normal text-slate-500">
          {item.file_name}
          {item.is_directory ? ' (folder)' : ''}
        </p>
      )}
    </>
  );
}

function ExportStatus({ item }: { item: ExportOut }) {
  return (
    <>
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
    </>
  );
}

function ExportActions({
  item,
  deleting,
  onDelete,
}: {
  item: ExportOut;
  deleting: boolean;
  onDelete: (exportId: string) => void;
}) {
  return (
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
        disabled={item.status === 'running' || deleting}
        title={item.status === 'running' ? 'Running exports cannot be deleted' : undefined}
        className="rounded-md p-1.5 text-slate-400 hover:bg-red-50 hover:text-red-600 disabled:cursor-not-allowed disabled:opacity-40"
        onClick={() => {
          onDelete(item.id);
        }}
      >
        <Trash2 className="size-4" aria-hidden="true" />
      </button>
    </div>
  );
}

function exportColumns(
  deleting: boolean,
  onDelete: (exportId: string) => void,
): Column<ExportOut>[] {
  return [
    {
      key: 'format',
      header: 'Format',
      className: 'font-medium text-slate-900',
      cell: (item) => <ExportFormat item={item} />,
    },
    {
      key: 'options',
      header: 'Options',
      className: 'text-slate-600',
      cell: (item) => optionsSummary(item.options) || '—',
    },
    { key: 'status', header: 'Status', cell: (item) => <ExportStatus item={item} /> },
    {
      key: 'size',
      header: 'Size',
      align: 'right',
      className: 'whitespace-nowrap text-slate-600 tabular-nums',
      cell: (item) => (item.status === 'completed' ? formatBytes(item.size_bytes) : '—'),
    },
    {
      key: 'created',
      header: 'Created',
      className: 'whitespace-nowrap text-slate-600',
      cell: (item) => formatDateTime(item.created_at),
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      cell: (item) => <ExportActions item={item} deleting={deleting} onDelete={onDelete} />,
    },
  ];
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
      <Table
        label="Exports"
        columns={exportColumns(remove.isPending, (exportId) => {
          remove.mutate(exportId);
        })}
        rows={exports}
        rowKey={(item) => item.id}
        rowProps={(item) => ({ 'data-testid': 'export-row', 'data-format': item.format })}
      />
    </div>
  );
}
