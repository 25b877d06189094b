import type { EpochPoint } from '@/store/trainingStore';

import { MetricCurveChart } from './MetricCurveChart';
import { LOSS_SERIES, MAP_SERIES, rowsOf } from './series';

export { MetricCurveChart } from './MetricCurveChart';
export type { CurveRow, CurveSeries } from './types';

interface EpochChartProps {
  epochs: readonly EpochPoint[];
  totalEpochs?: number | undefined;
  height?: number;
}

/** Train and validation loss per epoch. */
export function LossCurveChart({ epochs, totalEpochs, height }: EpochChartProps) {
  return (
    <MetricCurveChart
      label="Loss curves"
      testId="loss-chart"
      rows={rowsOf(epochs, LOSS_SERIES)}
      series={LOSS_SERIES}
      totalEpochs={totalEpochs}
      {...(height === undefined ? {} : { height })}
    />
  );
}

/** Box and mask mAP50 / mAP50-95 per epoch. */
export function MapCurveChart({ epochs, totalEpochs, height }: EpochChartProps) {
  return (
    <MetricCurveChart
      label="mAP curves"
      testId="map-chart"
      rows={rowsOf(epochs, MAP_SERIES)}
      series={MAP_SERIES}
      yDomain={[0, 1]}
      formatValue={(value) => value.toFixed(2)}
      totalEpochs={totalEpochs}
      {...(height === undefined ? {} : { height })}
    />
  );
}
