import { formatCelsius, levelOf } from './format';
import { RadialGauge } from './RadialGauge';

export interface TemperatureGaugeProps {
  celsius: number | null | undefined;
  warning: number;
  critical: number;
  /** Top of the dial. Default 100 °C. */
  max?: number;
  label?: string;
}

export function TemperatureGauge({
  celsius,
  warning,
  critical,
  max = 100,
  label = 'Temperature',
}: TemperatureGaugeProps) {
  const value = celsius ?? null;
  return (
    <RadialGauge
      label={label}
      value={value}
      max={Math.max(max, critical)}
      valueText={formatCelsius(value)}
      caption={`warn ${warning} / crit ${critical}`}
      level={levelOf(value, warning, critical)}
    />
  );
}
