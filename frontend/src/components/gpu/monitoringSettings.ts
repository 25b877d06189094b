import { numberRange } from '@/api/limits';
import type { MonitoringSettings } from '@/services/monitoring.service';

export type Field = keyof MonitoringSettings;

export interface FieldSpec {
  key: Field;
  label: string;
  unit: string;
  min: number;
  max: number;
  step: number;
}

function field(key: Field, label: string, unit: string, step: number): FieldSpec {
  const { min, max } = numberRange('MonitoringSettings', key);
  return { key, label, unit, min, max, step };
}

/** The backend's MonitoringSettings limits, read from its OpenAPI schema. */
export const FIELDS: readonly FieldSpec[] = [
  field('interval_s', 'Sampling interval', 's', 0.1),
  field('temperature_warning_c', 'Temperature warning', '°C', 1),
  field('temperature_critical_c', 'Temperature critical', '°C', 1),
  field('memory_warning_percent', 'Memory warning (GPU and RAM)', '%', 1),
  field('memory_critical_percent', 'Memory critical (GPU and RAM)', '%', 1),
  field('disk_warning_percent', 'Disk warning', '%', 1),
  field('disk_critical_percent', 'Disk critical', '%', 1),
];

const PAIRS: readonly [Field, Field, string][] = [
  ['temperature_warning_c', 'temperature_critical_c', 'temperature'],
  ['memory_warning_percent', 'memory_critical_percent', 'memory'],
  ['disk_warning_percent', 'disk_critical_percent', 'disk'],
];

export type Draft = Record<Field, string>;
export type Errors = Partial<Record<Field, string>>;

export function toDraft(settings: MonitoringSettings): Draft {
  const draft = {} as Draft;
  for (const field of FIELDS) draft[field.key] = String(settings[field.key]);
  return draft;
}

/** Parses and checks the draft; returns the settings, or the problems per field. */
export function validateDraft(draft: Draft): { settings: MonitoringSettings } | { errors: Errors } {
  const errors: Errors = {};
  const values = {} as Record<Field, number>;
  for (const field of FIELDS) {
    const value = Number(draft[field.key]);
    if (draft[field.key].trim() === '' || !Number.isFinite(value)) {
      errors[field.key] = 'Enter a number';
    } else if (value < field.min || value > field.max) {
      errors[field.key] = `Between ${field.min} and ${field.max} ${field.unit}`;
    }
    values[field.key] = value;
  }
  for (const [warning, critical, name] of PAIRS) {
    if (!errors[warning] && !errors[critical] && values[warning] >= values[critical]) {
      errors[warning] = `The ${name} warning must be below the critical threshold`;
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { settings: values };
}
