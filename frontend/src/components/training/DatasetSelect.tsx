import { Database, Images } from 'lucide-react';
import { Link } from 'react-router-dom';

import type { Dataset } from '@/services/training.service';
import { cn } from '@/utils/cn';

import { FieldError } from './FormField';

const SPLIT_ORDER = ['train', 'val', 'test'];

function splitSummary(dataset: Dataset): string {
  return SPLIT_ORDER.filter((split) => dataset.splits[split] !== undefined)
    .map((split) => `${split} ${dataset.splits[split]?.images ?? 0}`)
    .join(' · ');
}

export interface DatasetSelectProps {
  datasets: Dataset[];
  value: string;
  onChange: (datasetId: string) => void;
  error: string | undefined;
}

/** Ready datasets as a radio list with their image counts and splits. */
export function DatasetSelect({ datasets, value, onChange, error }: DatasetSelectProps) {
  if (datasets.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-600">
        <p className="font-medium text-slate-800">No ready dataset</p>
        <p className="mt-1">
          Import or upload a dataset first on the{' '}
          <Link to="/datasets" className="font-medium text-sky-700 hover:underline">
            Datasets
          </Link>{' '}
          page; it appears here once it is ready.
        </p>
        <FieldError id="dataset-error" message={error} />
      </div>
    );
  }
  return (
    <div>
      <div
        role="radiogroup"
        aria-label="Dataset"
        aria-invalid={error !== undefined}
        className="grid gap-3 sm:grid-cols-2"
      >
        {datasets.map((dataset) => {
          const selected = dataset.id === value;
          return (
            <label
              key={dataset.id}
              className={cn(
                'flex cursor-pointer items-start gap-3 rounded-lg border p-3 transition-colors',
                'has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-sky-600',
                selected
                  ? 'border-sky-500 bg-sky-50/60 ring-1 ring-sky-500'
                  : 'border-slate-200 hover:border-slate-300 hover:bg-slate-50',
              )}
            >
              <input
                type="radio"
                name="dataset"
                value={dataset.id}
                checked={selected}
                onChange={() => {
                  onChange(dataset.id);
                }}
                className="sr-only"
                aria-label={dataset.name}
              />
              <span
                className={cn(
                  'mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-md',
                  selected ? 'bg-sky-600 text-white' : 'bg-slate-100 text-slate-500',
                )}
              >
                <Database className="size-4" aria-hidden="true" />
              </span>
              <span className="min-w-0">
                <span className="block truncate text-sm font-medium text-slate-900">
                  {dataset.name}
                </span>
                <span className="mt-0.5 flex items-center gap-1 text-xs text-slate-500">
                  <Images className="size-3.5" aria-hidden="true" />
                  <span className="tabular-nums">
                    {dataset.image_count.toLocaleString('en-US')} images
                  </span>
                  <span aria-hidden="true">·</span>
                  <span>
                    {dataset.class_names.length} class
                    {dataset.class_names.length === 1 ? '' : 'es'}
                  </span>
                </span>
                <span className="mt-0.5 block text-xs text-slate-400 tabular-nums">
                  {splitSummary(dataset)}
                </span>
              </span>
            </label>
          );
        })}
      </div>
      <FieldError id="dataset-error" message={error} />
    </div>
  );
}
