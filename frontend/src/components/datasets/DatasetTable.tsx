import { Trash2 } from 'lucide-react';
import { Link } from 'react-router-dom';

import { ProgressBar } from '@/components/common/ProgressBar';
import { Table, type Column } from '@/components/common/Table';
import { isInProgress, type Dataset } from '@/services/datasets.service';

import {
  formatBytes,
  formatCount,
  formatDateAndTime,
  formatLabel,
  formatPercent,
  orderedSplits,
  SOURCE_LABELS,
  splitLabel,
} from './format';
import { DatasetStatusBadge, ValidationBadge } from './StatusBadges';

export interface DatasetTableProps {
  datasets: readonly Dataset[];
  onDelete: (dataset: Dataset) => void;
}

const DASH = <span className="text-slate-400">—</span>;

function DatasetName({ dataset }: { dataset: Dataset }) {
  const classes = dataset.class_names.length;
  return (
    <>
      <Link
        to={`/datasets/${dataset.id}`}
        className="font-medium break-words text-slate-900 hover:text-sky-700 hover:underline"
      >
        {dataset.name}
      </Link>
      <p className="mt-0.5 text-xs whitespace-nowrap text-slate-500">
        {SOURCE_LABELS[dataset.source]} · {formatLabel(dataset.format)}
        {classes > 0 && ` · ${classes} class${classes === 1 ? '' : 'es'}`}
      </p>
    </>
  );
}

function DatasetStatus({ dataset }: { dataset: Dataset }) {
  return (
    <>
      <DatasetStatusBadge status={dataset.status} />
      {isInProgress(dataset.status) && (
        <div className="mt-2 w-32">
          <ProgressBar
            value={dataset.progress}
            max={1}
            label={`Import progress of ${dataset.name}`}
          />
          <p className="mt-1 truncate text-xs text-slate-500" title={dataset.message ?? undefined}>
            {formatPercent(dataset.progress)}
            {dataset.message ? ` · ${dataset.message}` : ''}
          </p>
        </div>
      )}
      {dataset.status === 'failed' && dataset.error !== null && (
        <p className="mt-1 line-clamp-2 max-w-40 text-xs text-red-700" title={dataset.error}>
          {dataset.error}
        </p>
      )}
    </>
  );
}

function SplitChips({ dataset }: { dataset: Dataset }) {
  const splits = orderedSplits(dataset.splits);
  if (splits.length === 0) return DASH;
  return (
    <ul className="flex max-w-44 flex-wrap gap-1">
      {splits.map(([name, summary]) => (
        <li
          key={name}
          className="rounded bg-slate-100 px-1.5 py-0.5 text-xs whitespace-nowrap text-slate-600 tabular-nums"
          title={`${splitLabel(name)}: ${formatCount(summary.images)} images, ${formatCount(summary.instances)} instances`}
        >
          {name} {formatCount(summary.images)}
        </li>
      ))}
    </ul>
  );
}

function datasetColumns(onDelete: (dataset: Dataset) => void): Column<Dataset>[] {
  return [
    {
      key: 'name',
      header: 'Dataset',
      className: 'min-w-52',
      sortValue: (dataset) => dataset.name.toLowerCase(),
      cell: (dataset) => <DatasetName dataset={dataset} />,
    },
    {
      key: 'status',
      header: 'Status',
      className: 'w-40',
      cell: (dataset) => <DatasetStatus dataset={dataset} />,
    },
    { key: 'splits', header: 'Splits', cell: (dataset) => <SplitChips dataset={dataset} /> },
    {
      key: 'images',
      header: 'Images',
      align: 'right',
      className: 'text-slate-900 tabular-nums',
      sortValue: (dataset) => dataset.image_count,
      cell: (dataset) => formatCount(dataset.image_count),
    },
    {
      key: 'instances',
      header: 'Instances',
      align: 'right',
      className: 'text-slate-900 tabular-nums',
      sortValue: (dataset) => dataset.instance_count,
      cell: (dataset) => formatCount(dataset.instance_count),
    },
    {
      key: 'size',
      header: 'Size',
      align: 'right',
      className: 'whitespace-nowrap text-slate-600 tabular-nums',
      sortValue: (dataset) => dataset.size_bytes,
      cell: (dataset) => formatBytes(dataset.size_bytes),
    },
    {
      key: 'validation',
      header: 'Validation',
      cell: (dataset) =>
        dataset.status === 'ready' ? <ValidationBadge status={dataset.validation_status} /> : DASH,
    },
    {
      key: 'created',
      header: 'Created',
      className: 'whitespace-nowrap text-slate-600',
      sortValue: (dataset) => dataset.created_at,
      cell: (dataset) => <CreatedAt value={dataset.created_at} />,
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      cell: (dataset) => (
        <button
          type="button"
          onClick={() => {
            onDelete(dataset);
          }}
          aria-label={`Delete ${dataset.name}`}
          className="rounded p-1.5 text-slate-400 hover:bg-red-50 hover:text-red-600 focus-visible:outline-2 focus-visible:outline-red-600"
        >
          <Trash2 className="size-4" aria-hidden="true" />
        </button>
      ),
    },
  ];
}

export function DatasetTable({ datasets, onDelete }: DatasetTableProps) {
  return (
    <Table
      label="Datasets"
      variant="framed"
      columns={datasetColumns(onDelete)}
      rows={datasets}
      rowKey={(dataset) => dataset.id}
      rowProps={(dataset) => ({ 'data-testid': 'dataset-row', 'data-dataset-id': dataset.id })}
    />
  );
}

function CreatedAt({ value }: { value: string }) {
  const [day, time] = formatDateAndTime(value);
  return (
    <time dateTime={value}>
      {day}
      <span className="block text-xs text-slate-400">{time}</span>
    </time>
  );
}
