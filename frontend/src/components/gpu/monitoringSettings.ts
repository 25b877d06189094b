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

/** The same limits as the backend's MonitoringSettings schema. */
export const FIELDS: readonly FieldSpec[] = [
  { key: 'interval_s', label: 'Sampling interval', unit: 's', min: 0.2, max: 60, step: 0.1 },
  {
    key: 'temperature_warning_c',
    label: 'Temperature warning',
    unit: '°C',
    min: 30,
    max: 120,
    step: 1,
  },
  {
    key: 'temperature_critical_c',
    label: 'Temperature critical',
    unit: '°C',
    min: 30,
    max: 120,
    step: 1,
  },
  {
    key: 'memory_warning_percent',
    label: 'Memory warning (GPU and RAM)',
    unit: '%',
    min: 10,
    max: 100,
    step: 1,
  },
  {
    key: 'memory_critical_percent',
    label: 'Memory critical (GPU and RAM)',
    unit: '%',
    min: 10,
    max: 100,
    step: 1,
  },
  { key: 'disk_warning_percent', label: 'Disk warning', unit: '%', min: 10, max: 100, step: 1 },
  { key: 'disk_critical_percent', label: 'Disk critical', unit: '%', min: 10, max: 100, step: 1 },
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
