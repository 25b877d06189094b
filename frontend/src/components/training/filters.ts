import type { SessionFilters, SessionStatus } from '@/services/training.service';

export interface HistoryFilterValues {
  status: SessionStatus | '';
  datasetId: string;
  modelArch: string;
  search: string;
}

export const NO_FILTERS: HistoryFilterValues = {
  status: '',
  datasetId: '',
  modelArch: '',
  search: '',
};

export function hasFilters(values: HistoryFilterValues): boolean {
  return (
    values.status !== '' ||
    values.datasetId !== '' ||
    values.modelArch !== '' ||
    values.search.trim() !== ''
  );
}

/** The list request of the filter form (empty fields are left out). */
export function toSessionFilters(values: HistoryFilterValues): SessionFilters {
  const filters: SessionFilters = {};
  if (values.status !== '') filters.status = [values.status];
  if (values.datasetId !== '') filters.datasetId = values.datasetId;
  if (values.modelArch !== '') filters.modelArch = values.modelArch;
  const search = values.search.trim();
  if (search !== '') filters.search = search;
  return filters;
}
