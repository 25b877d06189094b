import { CloudOff, Download, FileBox, Sparkles } from 'lucide-react';
import { useState, type ReactNode } from 'react';

import type { RegisteredModel } from '@/services/training.service';

import { cn } from '@/utils/cn';

import { FieldError, INPUT_CLASSES, INVALID_CLASSES } from './FormField';
import type { WeightsMode } from './trainingForm';

export interface WeightsChoiceProps {
  mode: WeightsMode;
  weights: string;
  onModeChange: (mode: WeightsMode) => void;
  onWeightsChange: (weights: string) => void;
  modelArch: string;
  /** The official weights of this architecture are already on the server. */
  officialCached: boolean;
  online: boolean;
  officialWeightsDir: string;
  /** Registered models of the architecture's framework (undefined while loading or unavailable). */
  models: RegisteredModel[] | undefined;
  error: string | undefined;
  /** 'ultralytics' (default) or 'rfdetr': where official weights come from and what files fit. */
  framework?: string;
  /** File name of the official weights (rf-detr-seg-nano.pt); default `<arch>.pt`. */
  weightsFile?: string;
  /** RF-DETR's weights cache on the server ($RF_HOME). */
  rfdetrWeightsDir?: string;
}

interface OptionProps {
  value: WeightsMode;
  current: WeightsMode;
  title: string;
  icon: ReactNode;
  onSelect: (mode: WeightsMode) => void;
  children: ReactNode;
}

function Option({ value, current, title, icon, onSelect, children }: OptionProps) {
  const selected = value === current;
  return (
    <label
      className={cn(
        'flex cursor-pointer gap-3 rounded-lg border p-3 transition-colors',
        'has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-sky-600',
        selected
          ? 'border-sky-500 bg-sky-50/60 ring-1 ring-sky-500'
          : 'border-slate-200 hover:border-slate-300 hover:bg-slate-50',
      )}
    >
      <input
        type="radio"
        name="weights-mode"
        value={value}
        checked={selected}
        onChange={() => {
          onSelect(value);
        }}
        className="mt-1 size-4 shrink-0 accent-sky-600"
        aria-label={title}
      />
      <span className="min-w-0">
        <span className="flex items-center gap-1.5 text-sm font-medium text-slate-900">
          {icon}
          {title}
        </span>
        <span className="mt-0.5 block text-xs leading-5 text-slate-500">{children}</span>
      </span>
    </label>
  );
}

function rfdetrExplanation(file: string, cached: boolean, online: boolean, dir: string): ReactNode {
  if (cached) return <>{file} is in the RF-DETR weights cache: training starts from it.</>;
  if (online)
    return (
      <>
        {file} is downloaded from Roboflow into {dir} when the run starts.
      </>
    );
  return (
    <span className="text-amber-700" data-testid="rfdetr-scratch-notice">
      This machine is offline and {file} is not in the RF-DETR weights cache ({dir}): the run will
      train from scratch. Copy the file there to start from pretrained weights.
    </span>
  );
}

function officialExplanation(
  modelArch: string,
  cached: boolean,
  online: boolean,
  dir: string,
): ReactNode {
  if (cached) return <>{modelArch}.pt is in the models directory: training starts from it.</>;
  if (online) return <>{modelArch}.pt is downloaded from Ultralytics when the run starts.</>;
  return (
    <span className="text-amber-700">
      This machine is offline and {dir}/{modelArch}.pt is missing, so the server will refuse this
      choice. Copy the file there, use your own weights, or train from scratch.
    </span>
  );
}

const BY_PATH = '__path__';

function modelLabel(model: RegisteredModel): string {
  const parts = [model.name, model.model_arch ?? model.family ?? model.framework];
  if (model.primary_metric !== null) parts.push(`mAP50-95 ${model.primary_metric.toFixed(3)}`);
  return parts.filter(Boolean).join(' · ');
}

/** A registered model from a list, or a weights file under models/ or uploads/ by path. */
function CustomWeights({
  models,
  weights,
  error,
  onChange,
  suffix,
}: {
  models: RegisteredModel[] | undefined;
  weights: string;
  error: string | undefined;
  onChange: (weights: string) => void;
  suffix: string;
}) {
  const [byPath, setByPath] = useState(false);
  const hasModels = models !== undefined && models.length > 0;
  const chosenModel = models?.find((model) => model.id === weights);
  const showPath = !hasModels || byPath || (weights !== '' && chosenModel === undefined);
  const describedBy = error === undefined ? undefined : 'weights-error';
  return (
    <div className="mt-3 grid max-w-2xl gap-3 sm:grid-cols-2">
      {hasModels && (
        <div>
          <label htmlFor="weights-model" className="block text-sm font-medium text-slate-700">
            Registered model
          </label>
          <select
            id="weights-model"
            value={showPath ? BY_PATH : weights}
            aria-invalid={error !== undefined}
            aria-describedby={describedBy}
            onChange={(event) => {
              const value = event.target.value;
              setByPath(value === BY_PATH);
              onChange(value === BY_PATH || value === '' ? '' : value);
            }}
            className={cn(INPUT_CLASSES, 'mt-1', error !== undefined && INVALID_CLASSES)}
          >
            <option value="">Choose a model…</option>
            {models.map((model) => (
              <option key={model.id} value={model.id}>
                {modelLabel(model)}
              </option>
            ))}
            <option value={BY_PATH}>A {suffix} file by path…</option>
          </select>
        </div>
      )}
      {showPath && (
        <div>
          <label htmlFor="weights-input" className="block text-sm font-medium text-slate-700">
            Weights file (path in the data directory)
          </label>
          <input
            id="weights-input"
            name="weights"
            type="text"
            value={weights}
            maxLength={500}
            placeholder={`models/my-cracks/best${suffix}`}
            aria-invalid={error !== undefined}
            aria-describedby={describedBy}
            onChange={(event) => {
              onChange(event.target.value);
            }}
            className={cn(INPUT_CLASSES, 'mt-1 font-mono', error !== undefined && INVALID_CLASSES)}
          />
          {models?.length === 0 && (
            <p className="mt-1 text-xs text-slate-500">No registered model yet.</p>
          )}
        </div>
      )}
    </div>
  );
}

/** Where the run starts from: official weights, the user's weights, or random initialisation. */
export function WeightsChoice({
  mode,
  weights,
  onModeChange,
  onWeightsChange,
  modelArch,
  officialCached,
  online,
  officialWeightsDir,
  models,
  error,
  framework = 'ultralytics',
  weightsFile,
  rfdetrWeightsDir = '',
}: WeightsChoiceProps) {
  const unavailable = !officialCached && !online;
  const rfdetr = framework === 'rfdetr';
  return (
    <div>
      <div role="radiogroup" aria-label="Starting weights" className="grid gap-3 lg:grid-cols-3">
        <Option
          value="official"
          current={mode}
          title="Official pretrained"
          icon={
            unavailable ? (
              <CloudOff className="size-4 text-amber-600" aria-hidden="true" />
            ) : (
              <Download className="size-4 text-slate-400" aria-hidden="true" />
            )
          }
          onSelect={onModeChange}
        >
          {rfdetr
            ? rfdetrExplanation(
                weightsFile ?? `${modelArch}.pth`,
                officialCached,
                online,
                rfdetrWeightsDir,
              )
            : officialExplanation(modelArch, officialCached, online, officialWeightsDir)}
        </Option>
        <Option
          value="custom"
          current={mode}
          title="My weights"
          icon={<FileBox className="size-4 text-slate-400" aria-hidden="true" />}
          onSelect={onModeChange}
        >
          {rfdetr
            ? 'A registered RF-DETR model, or an RF-DETR .pth checkpoint under models/ or uploads/ in the data directory.'
            : 'A registered model id, or an Ultralytics .pt file under models/ or uploads/ in the data directory.'}
        </Option>
        <Option
          value="scratch"
          current={mode}
          title="From scratch"
          icon={<Sparkles className="size-4 text-slate-400" aria-hidden="true" />}
          onSelect={onModeChange}
        >
          Random initial weights: works offline, needs more epochs and data.
        </Option>
      </div>
      {mode === 'custom' && (
        <CustomWeights
          models={models}
          weights={weights}
          error={error}
          onChange={onWeightsChange}
          suffix={rfdetr ? '.pth' : '.pt'}
        />
      )}
      <FieldError id="weights-error" message={error} />
    </div>
  );
}
