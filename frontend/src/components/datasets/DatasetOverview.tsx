import { Link } from 'react-router-dom';

import type { DatasetDetail } from '@/services/datasets.service';

import { formatBytes, formatCount, formatDateTime, formatLabel, SOURCE_LABELS } from './format';
import { DatasetStatusBadge, ValidationBadge } from './StatusBadges';

/** The line under the dataset's name: status, source, format, creation time. */
export function DatasetMeta({ dataset }: { dataset: DatasetDetail }) {
  return (
    <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <DatasetStatusBadge status={dataset.status} />
      <span>
        {SOURCE_LABELS[dataset.source]} · {formatLabel(dataset.format)}
      </span>
      <span>Created {formatDateTime(dataset.created_at)}</span>
    </span>
  );
}

function sourceDetails(dataset: DatasetDetail): [string, React.ReactNode][] {
  const info = dataset.source_info ?? {};
  const text = (key: string) => {
    const value = info[key];
    return value === undefined || value === null ? null : String(value);
  };
  const rows: [string, React.ReactNode][] = [];
  if (dataset.source === 'roboflow') {
    const parts = ['workspace', 'project', 'version'].map(text).filter((part) => part !== null);
    if (parts.length > 0) rows.push(['Roboflow', parts.join(' / ')]);
    const format = text('format');
    if (format !== null) rows.push(['Export format', format]);
  }
  if (dataset.source === 'upload') {
    const fileName = text('file_name');
    if (fileName !== null) rows.push(['Zip file', fileName]);
  }
  if (dataset.source === 'derived') {
    const clip = text('clip_limit');
    const tiles = text('tile_grid_size');
    if (clip !== null && tiles !== null) {
      rows.push(['Enhancement', `CLAHE, clip limit ${clip}, ${tiles} × ${tiles} tiles`]);
    }
  }
  if (dataset.parent_id !== null) {
    rows.push([
      'Derived from',
      <Link
        key="parent"
        to={`/datasets/${dataset.parent_id}`}
        className="font-medium text-sky-700 hover:text-sky-600"
      >
        the original dataset
      </Link>,
    ]);
  }
  if (dataset.class_names.length > 0) rows.push(['Classes', dataset.class_names.join(', ')]);
  return rows;
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-xl font-semibold text-slate-900 tabular-nums">{children}</dd>
    </div>
  );
}

/** Headline numbers and where the dataset came from. */
export function DatasetOverview({ dataset }: { dataset: DatasetDetail }) {
  const details = sourceDetails(dataset);
  const report = dataset.validation;
  return (
    <div className="space-y-3">
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-5" aria-label="Dataset summary">
        <Stat label="Images">{formatCount(dataset.image_count)}</Stat>
        <Stat label="Instances">{formatCount(dataset.instance_count)}</Stat>
        <Stat label="Classes">{formatCount(dataset.class_names.length)}</Stat>
        <Stat label="Disk size">{formatBytes(dataset.size_bytes)}</Stat>
        <Stat label="Validation">
          <ValidationBadge
            status={dataset.validation_status}
            errorCount={report?.error_count}
            warningCount={report?.warning_count}
          />
        </Stat>
      </dl>
      {details.length > 0 && (
        <dl className="flex flex-wrap gap-x-8 gap-y-1 text-sm">
          {details.map(([label, value]) => (
            <div key={label} className="flex gap-2">
              <dt className="text-slate-500">{label}</dt>
              <dd className="text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
