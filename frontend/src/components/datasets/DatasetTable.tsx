import { Trash2 } from 'lucide-react';
import { Link } from 'react-router-dom';

import { ProgressBar } from '@/components/common/ProgressBar';
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

const HEAD = 'px-2.5 py-2.5 text-left text-xs font-medium tracking-wide text-slate-500 uppercase';
const CELL = 'px-2.5 py-3 align-top';

export function DatasetTable({ datasets, onDelete }: DatasetTableProps) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Datasets">
        <thead className="bg-slate-50/80">
          <tr>
            <th scope="col" className={`${HEAD} pl-5`}>
              Dataset
            </th>
            <th scope="col" className={HEAD}>
              Status
            </th>
            <th scope="col" className={HEAD}>
              Splits
            </th>
            <th scope="col" className={`${HEAD} text-right`}>
              Images
            </th>
            <th scope="col" className={`${HEAD} text-right`}>
              Instances
            </th>
            <th scope="col" className={`${HEAD} text-right`}>
              Size
            </th>
            <th scope="col" className={HEAD}>
              Validation
            </th>
            <th scope="col" className={HEAD}>
              Created
            </th>
            <th scope="col" className={`${HEAD} pr-5`}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {datasets.map((dataset) => (
            <DatasetRow key={dataset.id} dataset={dataset} onDelete={onDelete} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DatasetRow({
  dataset,
  onDelete,
}: {
  dataset: Dataset;
  onDelete: (dataset: Dataset) => void;
}) {
  const importing = isInProgress(dataset.status);
  const splits = orderedSplits(dataset.splits);
  return (
    <tr className="hover:bg-slate-50/60" data-testid="dataset-row" data-dataset-id={dataset.id}>
      <td className={`${CELL} min-w-52 pl-5`}>
        <Link
          to={`/datasets/${dataset.id}`}
          className="font-medium break-words text-slate-900 hover:text-sky-700 hover:underline"
        >
          {dataset.name}
        </Link>
        <p className="mt-0.5 text-xs whitespace-nowrap text-slate-500">
          {SOURCE_LABELS[dataset.source]} · {formatLabel(dataset.format)}
          {dataset.class_names.length > 0 &&
            ` · ${dataset.class_names.length} class${dataset.class_names.length === 1 ? '' : 'es'}`}
        </p>
      </td>
      <td className={`${CELL} w-40`}>
        <DatasetStatusBadge status={dataset.status} />
        {importing && (
          <div className="mt-2 w-32">
            <ProgressBar
              value={dataset.progress}
              max={1}
              label={`Import progress of ${dataset.name}`}
            />
            <p
              className="mt-1 truncate text-xs text-slate-500"
              title={dataset.message ?? undefined}
            >
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
      </td>
      <td className={CELL}>
        {splits.length === 0 ? (
          <span className="text-slate-400">—</span>
        ) : (
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
        )}
      </td>
      <td className={`${CELL} text-right text-slate-900 tabular-nums`}>
        {formatCount(dataset.image_count)}
      </td>
      <td className={`${CELL} text-right text-slate-900 tabular-nums`}>
        {formatCount(dataset.instance_count)}
      </td>
      <td className={`${CELL} text-right whitespace-nowrap text-slate-600 tabular-nums`}>
        {formatBytes(dataset.size_bytes)}
      </td>
      <td className={CELL}>
        {dataset.status === 'ready' ? (
          <ValidationBadge status={dataset.validation_status} />
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </td>
      <td className={`${CELL} whitespace-nowrap text-slate-600`}>
        <CreatedAt value={dataset.created_at} />
      </td>
      <td className={`${CELL} pr-5 text-right`}>
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
      </td>
    </tr>
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
