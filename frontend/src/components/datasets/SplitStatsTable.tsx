import { Table, type Column } from '@/components/common/Table';
import type { SplitStats } from '@/services/datasets.service';
import { cn } from '@/utils/cn';

import { formatBytes, formatCount, formatImageSizes, splitLabel } from './format';

function commonSizes(sizes: SplitStats['image_sizes']): string | undefined {
  if (sizes === null || sizes.common.length === 0) return undefined;
  return `Most common: ${sizes.common.map((size) => `${size.width} × ${size.height} (${size.count})`).join(', ')}`;
}

const NUMBER = 'tabular-nums';

function countColumn(
  key: keyof SplitStats,
  header: string,
  valueOf: (row: SplitStats) => number,
): Column<SplitStats> {
  return {
    key,
    header,
    align: 'right',
    className: NUMBER,
    cell: (row) => formatCount(valueOf(row)),
  };
}

export interface SplitStatsTableProps {
  splits: readonly SplitStats[];
  totals: SplitStats | null;
}

/** Per-split counts: images (labelled, background, unlabelled), instances, sizes. */
export function SplitStatsTable({ splits, totals }: SplitStatsTableProps) {
  const rows = totals === null ? splits : [...splits, totals];
  const columns: Column<SplitStats>[] = [
    {
      key: 'split',
      header: 'Split',
      rowHeader: true,
      className: 'font-medium text-slate-900',
      cell: (row) => (row === totals ? 'Total' : splitLabel(row.split)),
    },
    countColumn('images', 'Images', (row) => row.images),
    countColumn('labelled_images', 'Labelled', (row) => row.labelled_images),
    countColumn('background_images', 'Background', (row) => row.background_images),
    {
      ...countColumn('unlabelled_images', 'Unlabelled', (row) => row.unlabelled_images),
      className: (row) => cn(NUMBER, row.unlabelled_images > 0 && 'text-amber-700'),
    },
    countColumn('instances', 'Instances', (row) => row.instances),
    {
      key: 'image_sizes',
      header: 'Image size (px)',
      align: 'right',
      className: cn(NUMBER, 'whitespace-nowrap'),
      title: (row) => commonSizes(row.image_sizes),
      cell: (row) => formatImageSizes(row.image_sizes),
    },
    {
      key: 'size_bytes',
      header: 'Disk',
      align: 'right',
      className: cn(NUMBER, 'whitespace-nowrap text-slate-600'),
      cell: (row) => formatBytes(row.size_bytes),
    },
  ];
  return (
    <Table
      label="Split statistics"
      variant="framed"
      className="-mx-5 rounded-none border-0 bg-transparent shadow-none"
      columns={columns}
      rows={rows}
      rowKey={(row) => (row === totals ? 'total' : row.split)}
      rowProps={(row) => ({ className: cn(row === totals && 'bg-slate-50 font-medium') })}
    />
  );
}
