import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import type { ModelSummary } from '@/services/models.service';

import { MODEL_COLORS } from './colors';
import { formatMetric, metricLabel } from './format';

const AXIS_TICK = { fontSize: 11, fill: '#64748b' };

export interface CompareBarChartProps {
  models: readonly ModelSummary[];
  metricKeys: readonly string[];
  valueOf: (model: ModelSummary, key: string) => number | undefined;
  label: string;
  height?: number;
}

type Row = { metric: string } & Record<string, number | string | null>;

/** One group of bars per metric, one bar per model. */
export function CompareBarChart({
  models,
  metricKeys,
  valueOf,
  label,
  height = 280,
}: CompareBarChartProps) {
  const rows: Row[] = metricKeys.map((key) => {
    const row: Row = { metric: metricLabel(key) };
    for (const model of models) row[model.id] = valueOf(model, key) ?? null;
    return row;
  });
  return (
    <figure aria-label={label} className="m-0 w-full" data-testid="compare-chart">
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 720, height }}>
        <BarChart
          data={rows}
          margin={{ top: 8, right: 8, bottom: 4, left: 0 }}
          barCategoryGap="20%"
        >
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="metric"
            tick={AXIS_TICK}
            tickLine={false}
            axisLine={{ stroke: '#cbd5e1' }}
          />
          <YAxis
            domain={[0, 1]}
            ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]}
            tick={AXIS_TICK}
            tickLine={false}
            axisLine={false}
            width={40}
            tickFormatter={(value: number) => value.toFixed(1)}
          />
          <Tooltip
            formatter={(value: unknown) => (typeof value === 'number' ? formatMetric(value) : '—')}
            contentStyle={{ fontSize: 12, borderRadius: 8, borderColor: '#e2e8f0' }}
            cursor={{ fill: '#f1f5f9' }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
          {models.map((model, index) => (
            <Bar
              key={model.id}
              dataKey={model.id}
              name={model.name}
              fill={MODEL_COLORS[index % MODEL_COLORS.length]}
              radius={[3, 3, 0, 0]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
