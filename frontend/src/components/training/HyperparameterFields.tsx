import { ChevronRight } from 'lucide-react';
import { useId, useState } from 'react';

import type { AugmentationLevel, OptimizerType } from '@/services/training.service';
import { cn } from '@/utils/cn';

import { FieldError, FieldGroup, INPUT_CLASSES, INVALID_CLASSES, NumberField } from './FormField';
import {
  AUGMENTATION_FIELDS,
  AUGMENTATION_LEVELS,
  BASIC_FIELDS,
  LOSS_FIELDS,
  NUMBER_FIELDS,
  OPTIMISER_FIELDS,
  OPTIMIZERS,
  SYSTEM_FIELDS,
  type FormErrors,
  type NumberFieldSpec,
  type NumericField,
  type TrainingFormValues,
} from './trainingForm';

export interface HyperparameterFieldsProps {
  values: TrainingFormValues;
  errors: FormErrors;
  devices: string[];
  gpuCount: number;
  augmentationPresets: Record<string, Record<string, number>>;
  onNumberChange: (name: NumericField, value: string) => void;
  onChange: (patch: Partial<Omit<TrainingFormValues, 'numbers'>>) => void;
  /** Field specs with the chosen architecture's rules (image size multiple); default: the base specs. */
  specs?: Record<NumericField, NumberFieldSpec>;
  /** Whether the chosen family uses a field (its metadata lists the fields it reads). */
  uses?: (field: string) => boolean;
  /** Shown under the augmentation levels (a family that maps them to its own presets says how). */
  augmentationNote?: string;
}

const LEVEL_LABELS: Record<AugmentationLevel, string> = {
  none: 'None',
  light: 'Light',
  medium: 'Medium',
  heavy: 'Heavy',
};

const LEVEL_DESCRIPTIONS: Record<AugmentationLevel, string> = {
  none: 'No augmentation',
  light: 'Mild colour, scale and flips',
  medium: 'The trainer’s defaults',
  heavy: 'Rotation, vertical flips, mixup',
};

function presetSummary(preset: Record<string, number> | undefined): string {
  if (preset === undefined) return '';
  const shown: [string, string][] = [
    ['mosaic', 'mosaic'],
    ['fliplr', 'flip LR'],
    ['flipud', 'flip UD'],
    ['degrees', 'rotate °'],
    ['scale', 'scale'],
    ['mixup', 'mixup'],
    ['copy_paste', 'copy-paste'],
  ];
  return shown
    .filter(([key]) => (preset[key] ?? 0) > 0)
    .map(([key, label]) => `${label} ${String(preset[key])}`)
    .join(' · ');
}

function NumberFields({
  names,
  values,
  errors,
  onNumberChange,
  specs,
  placeholders = {},
}: {
  names: NumericField[];
  values: TrainingFormValues;
  errors: FormErrors;
  onNumberChange: (name: NumericField, value: string) => void;
  specs: Record<NumericField, NumberFieldSpec>;
  placeholders?: Partial<Record<NumericField, string>>;
}) {
  return names.map((name) => (
    <NumberField
      key={name}
      spec={specs[name]}
      value={values.numbers[name]}
      error={errors[name]}
      placeholder={placeholders[name]}
      onChange={(value) => {
        onNumberChange(name, value);
      }}
    />
  ));
}

function SelectField<T extends string>({
  label,
  name,
  value,
  options,
  error,
  hint,
  onChange,
}: {
  label: string;
  name: string;
  value: T;
  options: { value: T; label: string }[];
  error: string | undefined;
  hint: string;
  onChange: (value: T) => void;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select
        id={id}
        name={name}
        value={value}
        aria-invalid={error !== undefined}
        onChange={(event) => {
          const next = options.find((option) => option.value === event.target.value);
          if (next !== undefined) onChange(next.value);
        }}
        className={cn(INPUT_CLASSES, 'mt-1', error !== undefined && INVALID_CLASSES)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} message={error} />
      <p className="mt-1 text-xs text-slate-500">{hint}</p>
    </div>
  );
}

function deviceLabel(device: string): string {
  if (device === 'auto') return 'Auto';
  if (device === 'cpu') return 'CPU';
  return device.includes(',') ? `GPUs ${device}` : `GPU ${device}`;
}

function AugmentationLevelPicker({
  value,
  presets,
  onChange,
  error,
  note,
}: {
  value: AugmentationLevel;
  presets: Record<string, Record<string, number>>;
  onChange: (level: AugmentationLevel) => void;
  error: string | undefined;
  note: string | undefined;
}) {
  return (
    <div className="sm:col-span-2 xl:col-span-3">
      <span id="augmentation-label" className="block text-sm font-medium text-slate-700">
        Augmentation
      </span>
      <div
        role="radiogroup"
        aria-labelledby="augmentation-label"
        className="mt-1 grid grid-cols-2 gap-2 md:grid-cols-4"
      >
        {AUGMENTATION_LEVELS.map((level) => {
          const active = level === value;
          return (
            <label
              key={level}
              className={cn(
                'cursor-pointer rounded-lg border px-3 py-2 transition-colors',
                'has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-sky-600',
                active
                  ? 'border-sky-500 bg-sky-50/60 ring-1 ring-sky-500'
                  : 'border-slate-200 hover:bg-slate-50',
              )}
            >
              <input
                type="radio"
                name="augmentation-level"
                value={level}
                checked={active}
                onChange={() => {
                  onChange(level);
                }}
                className="sr-only"
                aria-label={LEVEL_LABELS[level]}
              />
              <span className="block text-sm font-medium text-slate-900">
                {LEVEL_LABELS[level]}
              </span>
              <span className="block text-xs text-slate-500">{LEVEL_DESCRIPTIONS[level]}</span>
            </label>
          );
        })}
      </div>
      <p className="mt-1 text-xs text-slate-500 tabular-nums">
        {note ?? (presetSummary(presets[value]) || 'Images are used as they are.')}
      </p>
      <FieldError id="augmentation-error" message={error} />
    </div>
  );
}

/** Basic settings in view; optimiser, augmentation details, system and loss gains folded away. */
export function HyperparameterFields({
  values,
  errors,
  devices,
  gpuCount,
  augmentationPresets,
  onNumberChange,
  onChange,
  specs = NUMBER_FIELDS,
  uses = () => true,
  augmentationNote,
}: HyperparameterFieldsProps) {
  const used = (names: NumericField[]) => names.filter((name) => uses(name));
  const deviceOptions = (
    devices.includes(values.device) ? devices : [...devices, values.device]
  ).map((device) => ({ value: device, label: deviceLabel(device) }));
  const preset = augmentationPresets[values.augmentation_level] ?? {};
  const levelPlaceholders: Partial<Record<NumericField, string>> = {
    mosaic: String(preset.mosaic ?? ''),
    mixup: String(preset.mixup ?? ''),
    copy_paste: String(preset.copy_paste ?? ''),
  };
  const shared = { values, errors, onNumberChange, specs };
  const [advancedOpen, setAdvancedOpen] = useState(false);
  // An error on a folded field must be visible: open the section.
  const advancedError = [
    ...OPTIMISER_FIELDS,
    ...AUGMENTATION_FIELDS,
    ...SYSTEM_FIELDS,
    ...LOSS_FIELDS,
  ].some((name) => errors[name] !== undefined);
  const augmentationFields = used(AUGMENTATION_FIELDS);
  const lossFields = used(LOSS_FIELDS);

  return (
    <div className="space-y-6">
      <FieldGroup title="Basic">
        <NumberFields names={used(BASIC_FIELDS)} {...shared} />
        {uses('optimizer') && (
          <SelectField<OptimizerType>
            label="Optimizer"
            name="optimizer"
            value={values.optimizer}
            options={OPTIMIZERS.map((optimizer) => ({
              value: optimizer,
              label: optimizer === 'auto' ? 'auto (the trainer picks)' : optimizer,
            }))}
            error={errors.optimizer}
            hint="SGD suits long runs; AdamW converges faster on small data"
            onChange={(optimizer) => {
              onChange({ optimizer });
            }}
          />
        )}
        <SelectField
          label="Device"
          name="device"
          value={values.device}
          options={deviceOptions}
          error={errors.device}
          hint={
            gpuCount === 0
              ? 'No GPU on the server: auto means CPU'
              : `${gpuCount} GPU${gpuCount === 1 ? '' : 's'} on the server: auto means GPU 0`
          }
          onChange={(device) => {
            onChange({ device });
          }}
        />
        <AugmentationLevelPicker
          value={values.augmentation_level}
          presets={augmentationPresets}
          error={errors.augmentation_level}
          note={augmentationNote}
          onChange={(augmentation_level) => {
            onChange({ augmentation_level });
          }}
        />
      </FieldGroup>

      <details
        open={advancedOpen || advancedError}
        onToggle={(event) => {
          setAdvancedOpen(event.currentTarget.open);
        }}
        className="group rounded-lg border border-slate-200 bg-slate-50/50 open:bg-white"
      >
        <summary className="flex cursor-pointer list-none items-center gap-2 px-4 py-3 text-sm font-semibold text-slate-800 select-none [&::-webkit-details-marker]:hidden">
          <ChevronRight
            className="size-4 text-slate-400 transition-transform group-open:rotate-90"
            aria-hidden="true"
          />
          Advanced settings
          <span className="font-normal text-slate-500">
            learning rate schedule, augmentation, checkpoints, loss gains
          </span>
        </summary>
        <div className="space-y-6 border-t border-slate-200 px-4 py-4">
          <FieldGroup title="Optimiser and learning rate">
            <NumberFields names={used(OPTIMISER_FIELDS)} {...shared} />
            <div className="flex items-start gap-2 pt-6">
              <input
                id="cosine-lr"
                name="cosine_lr"
                type="checkbox"
                checked={values.cosine_lr}
                onChange={(event) => {
                  onChange({ cosine_lr: event.target.checked });
                }}
                className="mt-0.5 size-4 accent-sky-600"
              />
              <label htmlFor="cosine-lr" className="text-sm text-slate-700">
                <span className="font-medium">Cosine LR schedule</span>
                <span className="block text-xs text-slate-500">Else the rate decays linearly</span>
              </label>
            </div>
          </FieldGroup>
          {augmentationFields.length > 0 && (
            <FieldGroup
              title="Augmentation overrides"
              description="Leave blank to use the chosen level's values (shown as placeholders)."
            >
              <NumberFields
                names={augmentationFields}
                placeholders={levelPlaceholders}
                {...shared}
              />
            </FieldGroup>
          )}
          <FieldGroup title="System and checkpoints">
            <NumberFields names={used(SYSTEM_FIELDS)} {...shared} />
          </FieldGroup>
          {lossFields.length > 0 && (
            <FieldGroup title="Loss gains and validation">
              <NumberFields names={lossFields} {...shared} />
            </FieldGroup>
          )}
        </div>
      </details>
    </div>
  );
}
