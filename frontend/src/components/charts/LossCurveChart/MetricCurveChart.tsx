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

import { niceAxis } from './domain';
import type { CurveRow, CurveSeries } from './types';

export type { CurveRow, CurveSeries } from './types';

export interface MetricCurveChartProps {
  /** Accessible name of the chart (also its test id suffix). */
  label: string;
  rows: CurveRow[];
  series: CurveSeries[];
  height?: number;
  /** Fixed y range, e.g. [0, 1] for mAP; default: fit the data. */
  yDomain?: [number, number];
  formatValue?: (value: number) => string;
  /** Epoch count to span on the x axis while a run is growing. */
  totalEpochs?: number | undefined;
  testId?: string;
}

const AXIS_TICK = { fontSize: 11, fill: '#64748b' };

function defaultFormat(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

function tooltipValue(formatValue: (value: number) => string) {
  return (value: unknown): string => (typeof value === 'number' ? formatValue(value) : '—');
}

/** Every epoch while there are few; else Recharts picks (undefined). */
function epochTicks(lastEpoch: number): number[] | undefined {
  if (lastEpoch > 12) return undefined;
  return Array.from({ length: lastEpoch }, (_, index) => index + 1);
}

function epochLabel(epoch: unknown): string {
  return typeof epoch === 'number' || typeof epoch === 'string' ? `Epoch ${epoch}` : '';
}

/** One line per series over epochs; points appear as rows are added (no animation replays). */
export function MetricCurveChart({
  label,
  rows,
  series,
  height = 260,
  yDomain,
  formatValue = defaultFormat,
  totalEpochs,
  testId,
}: MetricCurveChartProps) {
  const lastEpoch = rows.at(-1)?.epoch ?? 1;
  const xMax = Math.max(totalEpochs ?? lastEpoch, lastEpoch, 1);
  const fitted = niceAxis(
    rows,
    series.map((item) => item.key),
  );
  return (
    <figure
      aria-label={label}
      data-testid={testId}
      data-points={rows.length}
      className="relative m-0 w-full"
    >
      {rows.length === 0 && (
        <figcaption className="absolute inset-0 z-10 flex items-center justify-center text-sm text-slate-400">
          Waiting for the first epoch…
        </figcaption>
      )}
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 640, height }}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="epoch"
            type="number"
            domain={[1, xMax]}
            allowDecimals={false}
            ticks={epochTicks(xMax)}
            tick={AXIS_TICK}
            tickLine={false}
            axisLine={{ stroke: '#cbd5e1' }}
          />
          <YAxis
            domain={yDomain ?? fitted.domain}
            ticks={yDomain === undefined ? fitted.ticks : undefined}
            tick={AXIS_TICK}
            tickLine={false}
            axisLine={false}
            width={48}
            tickFormatter={formatValue}
          />
          <Tooltip
            formatter={tooltipValue(formatValue)}
            labelFormatter={epochLabel}
            contentStyle={{ fontSize: 12, borderRadius: 8, borderColor: '#e2e8f0' }}
          />
          <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
          {series.map((item) => (
            <Line
              key={item.key}
              type="monotone"
              dataKey={item.key}
              name={item.label}
              stroke={item.color}
              strokeWidth={2}
              strokeDasharray={item.dashed ? '5 4' : undefined}
              dot={{ r: rows.length > 40 ? 0 : 2.5, strokeWidth: 0, fill: item.color }}
              activeDot={{ r: 4 }}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
