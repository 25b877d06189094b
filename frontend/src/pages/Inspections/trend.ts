import type { Inspection } from '@/services/inspections.service';

export interface TrendRow {
  date: string;
  cracks: number;
  lengthMm: number | null;
}

/** Oldest first: the structure's cracks over time (count, and total length where a scale is known). */
export function trendRows(inspections: readonly Inspection[]): TrendRow[] {
  return [...inspections]
    .sort((a, b) => a.inspected_on.localeCompare(b.inspected_on))
    .map((i) => ({ date: i.inspected_on, cracks: i.crack_count, lengthMm: i.total_length_mm }));
}
