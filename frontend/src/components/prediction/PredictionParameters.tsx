import type { ReactNode } from 'react';

import type { ParameterValues } from './parameters';

export interface ModelOption {
  id: string;
  name: string;
  task: string;
}

interface Props {
  values: ParameterValues;
  onChange: (values: ParameterValues) => void;
  models: ModelOption[];
  disabled?: boolean;
}

const INPUT =
  'mt-1 w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm focus:border-sky-500 focus:outline-none disabled:bg-slate-50';

function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="block">
      <span className="text-xs font-medium text-slate-600">{label}</span>
      {children}
      {hint !== undefined && <span className="mt-0.5 block text-xs text-slate-400">{hint}</span>}
    </label>
  );
}

/** Model and inference parameters; numbers stay strings until validated by `toPredictParams`. */
export function PredictionParameters({ values, onChange, models, disabled = false }: Props) {
  const set = (patch: Partial<ParameterValues>) => {
    onChange({ ...values, ...patch });
  };
  return (
    <div className="space-y-3">
      <Field label="Model">
        <select
          className={INPUT}
          value={values.modelId}
          disabled={disabled}
          onChange={(event) => {
            set({ modelId: event.target.value });
          }}
        >
          {models.map((model) => (
            <option key={model.id} value={model.id}>
              {model.name} ({model.task})
            </option>
          ))}
        </select>
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Image size (px)" hint="Empty: the model's">
          <input
            type="number"
            min={32}
            max={4096}
            step={32}
            className={INPUT}
            value={values.imgsz}
            disabled={disabled}
            onChange={(event) => {
              set({ imgsz: event.target.value });
            }}
          />
        </Field>
        <Field label="Scale (mm per px)" hint="Enables mm and severity">
          <input
            type="number"
            min={0}
            step="any"
            className={INPUT}
            value={values.mmPerPx}
            disabled={disabled}
            onChange={(event) => {
              set({ mmPerPx: event.target.value });
            }}
          />
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={values.tiling}
          disabled={disabled}
          onChange={(event) => {
            set({ tiling: event.target.checked });
          }}
        />
        Tiled inference (large images)
      </label>
      {values.tiling && (
        <div className="grid grid-cols-2 gap-3">
          <Field label="Tile size (px)">
            <input
              type="number"
              min={128}
              max={4096}
              className={INPUT}
              value={values.tileSize}
              disabled={disabled}
              onChange={(event) => {
                set({ tileSize: event.target.value });
              }}
            />
          </Field>
          <Field label="Overlap (0 to 0.5)">
            <input
              type="number"
              min={0}
              max={0.5}
              step={0.05}
              className={INPUT}
              value={values.overlap}
              disabled={disabled}
              onChange={(event) => {
                set({ overlap: event.target.value });
              }}
            />
          </Field>
        </div>
      )}
    </div>
  );
}
