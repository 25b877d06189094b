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

import type { Inspection } from '@/services/inspections.service';

import { trendRows } from './trend';

export function InspectionTrend({ inspections }: { inspections: readonly Inspection[] }) {
  const rows = trendRows(inspections);
  if (rows.length < 2) return null;
  return (
    <div
      className="h-56 w-full"
      data-testid="inspection-trend"
      aria-label="Cracks over time"
      role="img"
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="date" tick={{ fontSize: 12 }} />
          <YAxis yAxisId="count" allowDecimals={false} tick={{ fontSize: 12 }} />
          <YAxis yAxisId="mm" orientation="right" tick={{ fontSize: 12 }} />
          <Tooltip />
          <Legend />
          <Line yAxisId="count" type="monotone" dataKey="cracks" name="Cracks" stroke="#0284c7" />
          <Line
            yAxisId="mm"
            type="monotone"
            dataKey="lengthMm"
            name="Total length (mm)"
            stroke="#ea580c"
            connectNulls
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
