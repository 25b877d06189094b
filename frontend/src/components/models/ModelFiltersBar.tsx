import { Search, X } from 'lucide-react';

import { Button } from '@/components/common/Button';
import { cn } from '@/utils/cn';

import { INPUT_CLASSES } from '@/components/common/FormField';
import { hasFilters, NO_FILTERS, type ModelFilterValues } from './filters';

export interface ModelFiltersBarProps {
  values: ModelFilterValues;
  tags: readonly string[];
  onChange: (values: ModelFilterValues) => void;
}

const SELECT = cn(INPUT_CLASSES, 'w-auto min-w-36 pr-8');

export function ModelFiltersBar({ values, tags, onChange }: ModelFiltersBarProps) {
  const set = (patch: Partial<ModelFilterValues>) => {
    onChange({ ...values, ...patch });
  };
  return (
    <div className="flex flex-wrap items-center gap-2" role="search" aria-label="Filter models">
      <div className="relative w-72">
        <Search
          className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400"
          aria-hidden="true"
        />
        <input
          type="search"
          aria-label="Search models"
          placeholder="Search name or architecture"
          maxLength={100}
          className={cn(INPUT_CLASSES, 'pl-8')}
          value={values.search}
          onChange={(event) => {
            set({ search: event.target.value });
          }}
        />
      </div>
      <select
        aria-label="Source"
        className={SELECT}
        value={values.source}
        onChange={(event) => {
          set({ source: event.target.value as ModelFilterValues['source'] });
        }}
      >
        <option value="">All sources</option>
        <option value="trained">Trained</option>
        <option value="imported">Imported</option>
      </select>
      <select
        aria-label="Task"
        className={SELECT}
        value={values.task}
        onChange={(event) => {
          set({ task: event.target.value });
        }}
      >
        <option value="">All tasks</option>
        <option value="segment">Segmentation</option>
        <option value="detect">Detection</option>
      </select>
      <select
        aria-label="Tag"
        className={SELECT}
        value={values.tag}
        disabled={tags.length === 0 && values.tag === ''}
        onChange={(event) => {
          set({ tag: event.target.value });
        }}
      >
        <option value="">{tags.length === 0 ? 'No tags yet' : 'All tags'}</option>
        {tags.map((tag) => (
          <option key={tag} value={tag}>
            {tag}
          </option>
        ))}
      </select>
      {hasFilters(values) && (
        <Button
          variant="ghost"
          size="sm"
          onClick={() => {
            onChange(NO_FILTERS);
          }}
        >
          <X className="size-3.5" aria-hidden="true" />
          Clear filters
        </Button>
      )}
    </div>
  );
}
