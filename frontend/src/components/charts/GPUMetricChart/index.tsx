import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import type { HistoryPoint } from '@/services/monitoring.service';

import { chartRows, METRICS, seriesFor, timeFormatter, type ChartMetric } from './series';

export interface GPUMetricChartProps {
  points: readonly HistoryPoint[];
  metric: ChartMetric;
  height?: number;
  emptyText?: string;
}

const AXIS_TICK = { fontSize: 11, fill: '#64748b' };

/** A line per GPU (or one for a host metric) over time, from live or stored history points. */
export function GPUMetricChart({
  points,
  metric,
  height = 240,
  emptyText = 'No readings yet…',
}: GPUMetricChartProps) {
  const info = METRICS[metric];
  const rows = chartRows(points, metric);
  const series = seriesFor(points, metric);
  const first = rows[0]?.t ?? 0;
  const last = rows.at(-1)?.t ?? 0;
  const formatTime = timeFormatter(last - first);
  const formatValue = (value: number) => `${value.toFixed(info.unit === '%' ? 0 : 1)}${info.unit}`;
  return (
    <figure
      aria-label={`${info.label} over time`}
      data-testid={`gpu-metric-chart-${metric}`}
      data-points={rows.length}
      data-series={series.length}
      className="relative m-0 w-full"
    >
      {(rows.length === 0 || series.length === 0) && (
        <figcaption className="absolute inset-0 z-10 flex items-center justify-center text-sm text-slate-400">
          {emptyText}
        </figcaption>
      )}
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 640, height }}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tick={AXIS_TICK}
            tickLine={false}
            axisLine={{ stroke: '#cbd5e1' }}
            tickFormatter={formatTime}
            minTickGap={32}
          />
          <YAxis
            domain={info.domain ?? ['auto', 'auto']}
            tick={AXIS_TICK}
            tickLine={false}
            axisLine={false}
            width={48}
            tickFormatter={formatValue}
          />
          <Tooltip
            formatter={(value: unknown) => (typeof value === 'number' ? formatValue(value) : '—')}
            labelFormatter={(t: unknown) => (typeof t === 'number' ? formatTime(t) : '')}
            contentStyle={{ fontSize: 12, borderRadius: 8, borderColor: '#e2e8f0' }}
          />
          {series.length > 1 && <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />}
          {series.map((item) => (
            <Line
              key={item.key}
              type="monotone"
              dataKey={item.key}
              name={item.label}
              stroke={item.color}
              strokeWidth={2}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
