import type { ModelSource } from '@/services/models.service';

export interface ModelFilterValues {
  source: ModelSource | '';
  task: string;
  tag: string;
  search: string;
}

export const NO_FILTERS: ModelFilterValues = { source: '', task: '', tag: '', search: '' };

export function hasFilters(values: ModelFilterValues): boolean {
  return values.source !== '' || values.task !== '' || values.tag !== '' || values.search !== '';
}
