import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';

import { Table } from '@/components/common/Table';
import type { SplitStats } from '@/services/datasets.service';
import { cn } from '@/utils/cn';

import { formatCount, splitLabel } from './format';
import { histogramRows, METRIC_LABELS, type HistogramMetric, type HistogramRow } from './histogram';

const SPLIT_COLORS: Record<string, string> = {
  train: '#0284c7',
  val: '#f59e0b',
  test: '#10b981',
};
const FALLBACK_COLOR = '#64748b';

export interface ClassHistogramProps {
  classNames: readonly string[];
  splits: readonly SplitStats[];
}

/** Bar chart of annotated instances (or images) per class, one bar per split. */
export function ClassHistogram({ classNames, splits }: ClassHistogramProps) {
  const [metric, setMetric] = useState<HistogramMetric>('instances');
  const rows = histogramRows(classNames, splits, metric);
  const splitNames = splits.map((split) => split.split);

  if (classNames.length === 0) {
    return <p className="py-8 text-center text-sm text-slate-500">No classes defined.</p>;
  }

  return (
    <figure aria-label="Class histogram">
      <div role="group" aria-label="Histogram metric" className="mb-3 flex gap-1.5">
        {(Object.keys(METRIC_LABELS) as HistogramMetric[]).map((value) => (
          <button
            key={value}
            type="button"
            aria-pressed={metric === value}
            onClick={() => {
              setMetric(value);
            }}
            className={cn(
              'rounded-md px-2.5 py-1 text-xs font-medium',
              metric === value ? 'bg-slate-900 text-white' : 'text-slate-600 hover:bg-slate-100',
            )}
          >
            {METRIC_LABELS[value]}
          </button>
        ))}
      </div>
      <BarChart
        responsive
        data={rows}
        style={{ width: '100%', height: 240 }}
        margin={{ top: 4, right: 8, bottom: 0, left: -16 }}
        barCategoryGap="24%"
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey="className" tick={{ fontSize: 12, fill: '#475569' }} tickLine={false} />
        <YAxis
          allowDecimals={false}
          tick={{ fontSize: 12, fill: '#64748b' }}
          tickLine={false}
          axisLine={false}
        />
        <Tooltip cursor={{ fill: '#f1f5f9' }} formatter={(value) => formatCount(Number(value))} />
        <Legend itemSorter={null} iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
        {splitNames.map((name) => (
          <Bar
            key={name}
            dataKey={name}
            name={splitLabel(name)}
            fill={SPLIT_COLORS[name] ?? FALLBACK_COLOR}
            radius={[3, 3, 0, 0]}
            maxBarSize={48}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
      <Table
        variant="bare"
        className="sr-only"
        label={`${METRIC_LABELS[metric]} per class and split`}
        columns={[
          { key: 'class', header: 'Class', rowHeader: true, cell: (row) => row.className },
          ...splitNames.map((name) => ({
            key: name,
            header: splitLabel(name),
            cell: (row: HistogramRow) => row[name],
          })),
        ]}
        rows={rows}
        rowKey={(row) => row.className}
      />
    </figure>
  );
}
