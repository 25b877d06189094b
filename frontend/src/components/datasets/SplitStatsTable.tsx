import type { SplitStats } from '@/services/datasets.service';
import { cn } from '@/utils/cn';

import { formatBytes, formatCount, formatImageSizes, splitLabel } from './format';

function commonSizes(sizes: SplitStats['image_sizes']): string | undefined {
  if (sizes === null || sizes.common.length === 0) return undefined;
  return `Most common: ${sizes.common.map((size) => `${size.width} × ${size.height} (${size.count})`).join(', ')}`;
}

const HEAD = 'px-3 py-2 text-right text-xs font-medium tracking-wide text-slate-500 uppercase';
const CELL = 'px-3 py-2.5 text-right tabular-nums';

export interface SplitStatsTableProps {
  splits: readonly SplitStats[];
  totals: SplitStats | null;
}

/** Per-split counts: images (labelled, background, unlabelled), instances, sizes. */
export function SplitStatsTable({ splits, totals }: SplitStatsTableProps) {
  const rows = totals === null ? splits : [...splits, totals];
  return (
    <div className="-mx-5 overflow-x-auto">
      <table className="min-w-full text-sm" aria-label="Split statistics">
        <thead>
          <tr className="border-b border-slate-100">
            <th scope="col" className={cn(HEAD, 'pl-5 text-left')}>
              Split
            </th>
            <th scope="col" className={HEAD}>
              Images
            </th>
            <th scope="col" className={HEAD}>
              Labelled
            </th>
            <th scope="col" className={HEAD}>
              Background
            </th>
            <th scope="col" className={HEAD}>
              Unlabelled
            </th>
            <th scope="col" className={HEAD}>
              Instances
            </th>
            <th scope="col" className={HEAD}>
              Image size (px)
            </th>
            <th scope="col" className={cn(HEAD, 'pr-5')}>
              Disk
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => {
            const isTotal = row === totals;
            return (
              <tr key={row.split} className={cn(isTotal && 'bg-slate-50 font-medium')}>
                <th scope="row" className="py-2.5 pr-3 pl-5 text-left font-medium text-slate-900">
                  {isTotal ? 'Total' : splitLabel(row.split)}
                </th>
                <td className={CELL}>{formatCount(row.images)}</td>
                <td className={CELL}>{formatCount(row.labelled_images)}</td>
                <td className={CELL}>{formatCount(row.background_images)}</td>
                <td className={cn(CELL, row.unlabelled_images > 0 && 'text-amber-700')}>
                  {formatCount(row.unlabelled_images)}
                </td>
                <td className={CELL}>{formatCount(row.instances)}</td>
                <td className={cn(CELL, 'whitespace-nowrap')} title={commonSizes(row.image_sizes)}>
                  {formatImageSizes(row.image_sizes)}
                </td>
                <td className={cn(CELL, 'pr-5 whitespace-nowrap text-slate-600')}>
                  {formatBytes(row.size_bytes)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
