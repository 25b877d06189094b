import { Check, Cpu } from 'lucide-react';

import type { Architecture } from '@/services/training.service';
import { cn } from '@/utils/cn';

import { familyNamed, type Family as ModelFamily } from './families';
import { FieldError } from './FormField';
import { formatParameters } from './format';

const FOCUS_RING =
  'has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-sky-600';

interface Family {
  id: string;
  label: string;
  items: Architecture[];
}

function familiesOf(architectures: readonly Architecture[]): Family[] {
  const families: Family[] = [];
  for (const arch of architectures) {
    let family = families.find((entry) => entry.id === arch.family);
    if (family === undefined) {
      family = { id: arch.family, label: arch.family_label, items: [] };
      families.push(family);
    }
    family.items.push(arch);
  }
  return families;
}

export interface ArchitecturePickerProps {
  architectures: Architecture[];
  value: string;
  onChange: (name: string) => void;
  referenceClasses: number;
  referenceImageSize: number;
  error: string | undefined;
  /** The families' metadata (label, description, version of the selected one). */
  families?: readonly ModelFamily[] | undefined;
}

/** Model family, then size, with parameters and GFLOPs of each size. */
export function ArchitecturePicker({
  architectures,
  value,
  onChange,
  referenceClasses,
  referenceImageSize,
  error,
  families: modelFamilies,
}: ArchitecturePickerProps) {
  const families = familiesOf(architectures);
  const selected = architectures.find((arch) => arch.name === value);
  const selectedFamily = familyNamed(modelFamilies, selected?.framework);
  const family = families.find((entry) => entry.id === selected?.family) ?? families[0];

  return (
    <div>
      <div
        role="radiogroup"
        aria-label="Model family"
        className="inline-flex flex-wrap gap-1 rounded-lg bg-slate-100 p-1"
      >
        {families.map((entry) => {
          const active = entry.id === family?.id;
          return (
            <label
              key={entry.id}
              className={cn(
                'cursor-pointer rounded-md px-3 py-1.5 text-sm font-medium transition-colors',
                FOCUS_RING,
                active
                  ? 'bg-white text-slate-900 shadow-sm'
                  : 'text-slate-600 hover:text-slate-900',
              )}
            >
              <input
                type="radio"
                name="model-family"
                value={entry.id}
                checked={active}
                onChange={() => {
                  // Keep the size letter when the new family has it (n -> n), else its first size.
                  const sameSize = entry.items.find((arch) => arch.size === selected?.size);
                  const next = sameSize ?? entry.items[0];
                  if (next !== undefined) onChange(next.name);
                }}
                className="sr-only"
              />
              {entry.label}
            </label>
          );
        })}
      </div>

      <div
        role="radiogroup"
        aria-label="Model size"
        className="mt-3 grid gap-2 sm:grid-cols-3 xl:grid-cols-5"
      >
        {family?.items.map((arch) => {
          const active = arch.name === value;
          return (
            <label
              key={arch.name}
              className={cn(
                'relative flex cursor-pointer flex-col rounded-lg border p-3 transition-colors',
                FOCUS_RING,
                active
                  ? 'border-sky-500 bg-sky-50/60 ring-1 ring-sky-500'
                  : 'border-slate-200 hover:border-slate-300 hover:bg-slate-50',
              )}
            >
              <input
                type="radio"
                name="model-arch"
                value={arch.name}
                checked={active}
                onChange={() => {
                  onChange(arch.name);
                }}
                className="sr-only"
                aria-label={arch.name}
              />
              {active && (
                <Check className="absolute top-2.5 right-2.5 size-4 text-sky-600" aria-hidden />
              )}
              <span className="font-mono text-sm font-semibold text-slate-900">{arch.name}</span>
              <span className="text-xs text-slate-500 capitalize">
                {arch.size_label}
                {arch.task === 'detect' && ' · boxes only'}
              </span>
              <dl className="mt-2 grid grid-cols-2 gap-x-2 text-xs">
                <dt className="text-slate-400">Params</dt>
                <dd className="text-right font-medium text-slate-700 tabular-nums">
                  {formatParameters(arch.parameters)}
                </dd>
                <dt className="text-slate-400">GFLOPs</dt>
                <dd className="text-right font-medium text-slate-700 tabular-nums">
                  {arch.gflops.toFixed(1)}
                </dd>
              </dl>
              {arch.official_weights_available && (
                <span className="mt-2 inline-flex items-center gap-1 self-start rounded bg-emerald-50 px-1.5 py-0.5 text-[11px] font-medium text-emerald-700">
                  <Cpu className="size-3" aria-hidden="true" />
                  weights cached
                </span>
              )}
            </label>
          );
        })}
      </div>
      {selectedFamily !== undefined && (
        <p className="mt-3 text-sm text-slate-600" data-testid="family-description">
          <span className="font-medium text-slate-800">{selectedFamily.label}</span>
          {selectedFamily.version !== null && (
            <span className="text-slate-400"> {selectedFamily.version}</span>
          )}
          : {selectedFamily.description}
        </p>
      )}
      <p className="mt-2 text-xs text-slate-400">
        {selected !== undefined && selected.default_image_size !== referenceImageSize
          ? `Parameters and GFLOPs measured for ${String(referenceClasses)} classes at the model's own resolution (${String(selected.default_image_size)} px); its image size must be a multiple of ${String(selected.image_multiple)}.`
          : `Parameters and GFLOPs measured for ${String(referenceClasses)} classes at ${String(referenceImageSize)} px; a one-class crack model is slightly smaller.`}
      </p>
      <FieldError id="model-arch-error" message={error} />
    </div>
  );
}
