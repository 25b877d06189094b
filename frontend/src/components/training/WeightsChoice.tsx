import { CloudOff, Download, FileBox, ShieldCheck, Sparkles } from 'lucide-react';
import { useState, type ReactNode } from 'react';

import type { RegisteredModel, StarterWeights } from '@/services/training.service';

import { cn } from '@/utils/cn';

import { preferredSuffix, type Family } from './families';
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
  /** The architecture's family: where its official weights come from and what files fit. */
  family?: Family | undefined;
  /** File name of the official weights; default `<arch><preferred suffix>`. */
  weightsFile?: string | undefined;
  /** Starting weights the family ships with the app (offered for their architecture). */
  starter?: StarterWeights | null;
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

/** Where the official weights come from, in the family's own words when they are missing. */
function officialExplanation(
  file: string,
  location: string,
  missingNotice: string,
  cached: boolean,
  online: boolean,
): ReactNode {
  if (cached)
    return (
      <>
        {file} is in {location}: training starts from it.
      </>
    );
  if (online)
    return (
      <>
        {file} is downloaded into {location} when the run starts.
      </>
    );
  return (
    <span className="text-amber-700" data-testid="official-missing-notice">
      {missingNotice} <span className="font-mono">({location})</span>
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
            <option value={BY_PATH}>A {suffix === '' ? 'weights' : suffix} file by path…</option>
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
  family,
  weightsFile,
  starter = null,
}: WeightsChoiceProps) {
  const unavailable = !officialCached && !online;
  const suffix = preferredSuffix(family);
  const location = family?.weights_location ?? officialWeightsDir;
  const starterFits = starter !== null && starter.available && starter.architecture === modelArch;
  const select = (next: WeightsMode) => {
    onModeChange(next);
    if (next === 'starter' && starter !== null) onWeightsChange(starter.reference);
    else if (mode === 'starter') onWeightsChange('');
  };
  return (
    <div>
      <div
        role="radiogroup"
        aria-label="Starting weights"
        className={cn('grid gap-3', starterFits ? 'lg:grid-cols-2' : 'lg:grid-cols-3')}
      >
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
          onSelect={select}
        >
          {officialExplanation(
            weightsFile ?? `${modelArch}${suffix}`,
            location,
            family?.official_missing_notice ??
              'This machine is offline and the official weights are missing.',
            officialCached,
            online,
          )}
        </Option>
        <Option
          value="custom"
          current={mode}
          title="My weights"
          icon={<FileBox className="size-4 text-slate-400" aria-hidden="true" />}
          onSelect={select}
        >
          {family?.own_weights_help ??
            'A registered model id, or a weights file under models/ or uploads/ in the data directory.'}
        </Option>
        {starterFits && (
          <Option
            value="starter"
            current={mode}
            title={starter.label}
            icon={<ShieldCheck className="size-4 text-slate-400" aria-hidden="true" />}
            onSelect={select}
          >
            Shipped with the app and works offline: a {starter.architecture} already trained on
            synthetic concrete and asphalt cracks, so a short run learns your cracks quickly.
          </Option>
        )}
        <Option
          value="scratch"
          current={mode}
          title="From scratch"
          icon={<Sparkles className="size-4 text-slate-400" aria-hidden="true" />}
          onSelect={select}
        >
          Random initial weights: works offline, needs more epochs and data.
        </Option>
      </div>
      {mode === 'starter' && !starterFits && (
        <p className="mt-2 text-xs text-amber-700" data-testid="starter-mismatch">
          The {starter?.label ?? 'starter model'} fits{' '}
          {starter?.architecture ?? 'another architecture'} only: choose that architecture or other
          starting weights.
        </p>
      )}
      {mode === 'custom' && (
        <CustomWeights
          models={models}
          weights={weights}
          error={error}
          onChange={onWeightsChange}
          suffix={suffix}
        />
      )}
      <FieldError id="weights-error" message={error} />
    </div>
  );
}
