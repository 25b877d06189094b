import type { SeverityName } from '@/services/prediction.service';

const PALETTE = ['#ef4444', '#f59e0b', '#10b981', '#3b82f6', '#a855f7', '#ec4899', '#14b8a6'];

/** A stable colour per instance id. */
export function instanceColor(id: number): string {
  return PALETTE[Math.abs(id) % PALETTE.length] ?? '#ef4444';
}

export const SEVERITY_CLASSES: Record<SeverityName, string> = {
  narrow: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  moderate: 'bg-amber-50 text-amber-700 ring-amber-600/20',
  wide: 'bg-red-50 text-red-700 ring-red-600/20',
};
