import { Search, X } from 'lucide-react';

import type { Architecture, Dataset } from '@/services/training.service';
import { SESSION_STATUSES } from '@/services/training.service';
import { cn } from '@/utils/cn';

import { INPUT_CLASSES } from './FormField';
import { hasFilters, NO_FILTERS, type HistoryFilterValues } from './filters';
import { STATUS_LABELS } from './labels';

export interface HistoryFiltersProps {
  values: HistoryFilterValues;
  onChange: (values: HistoryFilterValues) => void;
  datasets: readonly Pick<Dataset, 'id' | 'name'>[];
  architectures: readonly Pick<Architecture, 'name'>[];
}

const SELECT_CLASSES = cn(INPUT_CLASSES, 'w-auto max-w-56 min-w-36 truncate py-1.5 pr-8');

/** Status, dataset, model and name filters of the run history. */
export function HistoryFilters({ values, onChange, datasets, architectures }: HistoryFiltersProps) {
  const set = (patch: Partial<HistoryFilterValues>) => {
    onChange({ ...values, ...patch });
  };
  const active = hasFilters(values);
  return (
    <div className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter runs">
      <div className="relative min-w-56 flex-1">
        <label htmlFor="history-search" className="sr-only">
          Search by name
        </label>
        <Search
          className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400"
          aria-hidden="true"
        />
        <input
          id="history-search"
          type="search"
          placeholder="Search by name…"
          maxLength={200}
          value={values.search}
          onChange={(event) => {
            set({ search: event.target.value });
          }}
          className={cn(INPUT_CLASSES, 'pl-8')}
        />
      </div>
      <select
        aria-label="Status"
        value={values.status}
        onChange={(event) => {
          const status = SESSION_STATUSES.find((entry) => entry === event.target.value) ?? '';
          set({ status });
        }}
        className={SELECT_CLASSES}
      >
        <option value="">All statuses</option>
        {SESSION_STATUSES.map((status) => (
          <option key={status} value={status}>
            {STATUS_LABELS[status]}
          </option>
        ))}
      </select>
      <select
        aria-label="Dataset"
        value={values.datasetId}
        onChange={(event) => {
          set({ datasetId: event.target.value });
        }}
        className={SELECT_CLASSES}
      >
        <option value="">All datasets</option>
        {datasets.map((dataset) => (
          <option key={dataset.id} value={dataset.id}>
            {dataset.name}
          </option>
        ))}
      </select>
      <select
        aria-label="Model"
        value={values.modelArch}
        onChange={(event) => {
          set({ modelArch: event.target.value });
        }}
        className={SELECT_CLASSES}
      >
        <option value="">All models</option>
        {architectures.map((arch) => (
          <option key={arch.name} value={arch.name}>
            {arch.name}
          </option>
        ))}
      </select>
      {active && (
        <button
          type="button"
          onClick={() => {
            onChange(NO_FILTERS);
          }}
          className="inline-flex h-9 items-center gap-1 rounded-md px-2 text-sm text-slate-500 hover:bg-slate-100 hover:text-slate-800"
        >
          <X className="size-4" aria-hidden="true" />
          Clear filters
        </button>
      )}
    </div>
  );
}
