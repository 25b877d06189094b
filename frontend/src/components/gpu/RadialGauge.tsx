import { cn } from '@/utils/cn';

import { LEVEL_STROKE, LEVEL_TEXT, type Level } from './format';

export interface RadialGaugeProps {
  label: string;
  /** Null when the reading is not available. */
  value: number | null;
  min?: number;
  max?: number;
  /** What the centre shows, e.g. "6.0 / 24.0 GiB". */
  valueText: string;
  caption?: string;
  level: Level;
  size?: number;
}

const SWEEP_DEGREES = 240;
const RADIUS = 40;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;
const ARC_LENGTH = (SWEEP_DEGREES / 360) * CIRCUMFERENCE;

/** A 240° dial; the arc is coloured by the reading's threshold level. */
export function RadialGauge({
  label,
  value,
  min = 0,
  max = 100,
  valueText,
  caption,
  level,
  size = 112,
}: RadialGaugeProps) {
  const span = max > min ? max - min : 1;
  const fraction = value === null ? 0 : Math.min(Math.max((value - min) / span, 0), 1);
  const rotate = 90 + (360 - SWEEP_DEGREES) / 2;
  return (
    <div
      role="meter"
      aria-label={label}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuenow={value ?? undefined}
      aria-valuetext={value === null ? 'not available' : valueText}
      data-level={level}
      className="flex flex-col items-center"
    >
      <svg viewBox="0 0 100 100" width={size} height={size} aria-hidden="true">
        <g transform={`rotate(${rotate} 50 50)`}>
          <circle
            cx="50"
            cy="50"
            r={RADIUS}
            fill="none"
            strokeWidth="9"
            strokeLinecap="round"
            className="stroke-slate-200"
            strokeDasharray={`${ARC_LENGTH} ${CIRCUMFERENCE}`}
          />
          {value !== null && (
            <circle
              cx="50"
              cy="50"
              r={RADIUS}
              fill="none"
              strokeWidth="9"
              strokeLinecap="round"
              className={cn('transition-[stroke-dasharray] duration-500', LEVEL_STROKE[level])}
              strokeDasharray={`${fraction * ARC_LENGTH} ${CIRCUMFERENCE}`}
            />
          )}
        </g>
        <text
          x="50"
          y="56"
          textAnchor="middle"
          className={cn('fill-current text-[15px] font-semibold', LEVEL_TEXT[level])}
        >
          {value === null ? 'n/a' : valueText}
        </text>
      </svg>
      <span className="-mt-3 text-xs font-medium text-slate-600">{label}</span>
      {caption !== undefined && (
        <span className="text-[11px] text-slate-500 tabular-nums">{caption}</span>
      )}
    </div>
  );
}
