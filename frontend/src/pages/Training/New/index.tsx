import { Play, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Card } from '@/components/common/Card';
import { Loader } from '@/components/common/Loader';
import { ArchitecturePicker } from '@/components/training/ArchitecturePicker';
import { DatasetSelect } from '@/components/training/DatasetSelect';
import { DatasetVersionSelect } from '@/components/training/DatasetVersionSelect';
import {
  familyLabels,
  familyNamed,
  preferredSuffix,
  usesField,
} from '@/components/training/families';
import { FieldError, INPUT_CLASSES, INVALID_CLASSES } from '@/components/training/FormField';
import { HyperparameterFields } from '@/components/training/HyperparameterFields';
import { queueText, runsAhead } from '@/components/training/queue';
import { RunEstimate } from '@/components/training/RunEstimate';
import { WeightsChoice } from '@/components/training/WeightsChoice';
import {
  errorsFromApi,
  fieldSpecs,
  FORM_ERROR,
  initialFormValues,
  toCreateRequest,
  validateForm,
  withArchitecture,
  type FormErrors,
  type NumericField,
  type TrainingFormValues,
} from '@/components/training/trainingForm';
import {
  useArchitectures,
  useCreateSession,
  useReadyDatasets,
  useStartingWeightModels,
  useTrainingDefaults,
  useTrainingSessions,
} from '@/hooks/useTraining';
import { errorMessage } from '@/services/errors';
import {
  fetchSessions,
  type ArchitecturesResponse,
  type Dataset,
  type TrainingDefaults,
  type TrainingSessionDetail,
} from '@/services/training.service';
import { showToast } from '@/store/uiStore';
import { cn } from '@/utils/cn';

const RUNNING_FILTER = { status: ['running' as const], limit: 50 };
const ACTIVE_FILTER = { status: ['running' as const, 'queued' as const], limit: 50 };

/** "Training queued behind N runs" or "Training started", from a fresh look at the queue. */
async function announceStart(session: TrainingSessionDetail): Promise<void> {
  let ahead = 0;
  try {
    ahead = runsAhead(session, (await fetchSessions(ACTIVE_FILTER)).items);
  } catch {
    // The Active view shows the queue too; the toast is a courtesy.
  }
  showToast(
    session.status === 'queued' && ahead > 0
      ? { variant: 'info', title: 'Training queued', description: queueText(ahead) }
      : { variant: 'success', title: 'Training started', description: session.name },
  );
}

function SummaryRow({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex justify-between gap-3 py-1.5 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="truncate text-right font-medium text-slate-900" title={value}>
        {value}
      </dd>
    </div>
  );
}

const WEIGHTS_LABELS = {
  official: 'Official pretrained',
  custom: 'My weights',
  scratch: 'From scratch',
  starter: 'Starter crack model',
} as const;

/** The starting weights a family ships with the app (the first family's when none is named). */
function starterOf(defaults: TrainingDefaults, framework?: string) {
  const family = (defaults.families ?? []).find(
    (f) => framework === undefined || f.name === framework,
  );
  return family?.starter_weights ?? null;
}

interface FormProps {
  defaults: TrainingDefaults;
  catalogue: ArchitecturesResponse;
  datasets: Dataset[];
}

function NewTrainingForm({ defaults, catalogue, datasets }: FormProps) {
  const navigate = useNavigate();
  const create = useCreateSession();
  const running = useTrainingSessions(RUNNING_FILTER);
  const [values, setValues] = useState<TrainingFormValues>(() => ({
    ...initialFormValues(defaults.config, starterOf(defaults)?.reference),
    dataset_id: datasets[0]?.id ?? '',
  }));
  const [errors, setErrors] = useState<FormErrors>({});
  // the dataset version to train on (null: the working copy); reset when the dataset changes
  const [datasetVersionId, setDatasetVersionId] = useState<string | null>(null);
  const selectedArch = catalogue.items.find((arch) => arch.name === values.model_arch);
  const framework = selectedArch?.framework;
  const family = familyNamed(catalogue.families, framework);
  const specs = fieldSpecs(selectedArch);
  const uses = (field: string) => usesField(family, field);
  const weightModels = useStartingWeightModels(values.weightsMode === 'custom', framework);

  const clearError = (...names: string[]) => {
    setErrors((previous) => {
      if (
        !names.some((name) => previous[name] !== undefined) &&
        previous[FORM_ERROR] === undefined
      ) {
        return previous;
      }
      const dropped = new Set([...names, FORM_ERROR]);
      return Object.fromEntries(Object.entries(previous).filter(([key]) => !dropped.has(key)));
    });
  };
  const change = (patch: Partial<Omit<TrainingFormValues, 'numbers'>>) => {
    setValues((previous) => ({ ...previous, ...patch }));
    clearError(...Object.keys(patch), ...('weightsMode' in patch ? ['weights'] : []));
  };
  const changeArchitecture = (name: string) => {
    const next = catalogue.items.find((arch) => arch.name === name);
    if (next === undefined) return;
    setValues((previous) => {
      const before = catalogue.items.find((arch) => arch.name === previous.model_arch);
      const updated = withArchitecture(previous, next, before, defaults, catalogue);
      return before?.framework === next.framework ? updated : { ...updated, weights: '' };
    });
    clearError('model_arch', 'image_size', 'weights', 'device');
  };
  const changeNumber = (name: NumericField, value: string) => {
    setValues((previous) => ({ ...previous, numbers: { ...previous.numbers, [name]: value } }));
    clearError(name);
  };

  const selectedDataset = datasets.find((dataset) => dataset.id === values.dataset_id);

  const submit = () => {
    const problems = validateForm(values, specs, preferredSuffix(family));
    if (Object.keys(problems).length > 0) {
      setErrors({ ...problems, [FORM_ERROR]: 'Some settings need attention: see the fields.' });
      return;
    }
    setErrors({});
    create.mutate(
      { ...toCreateRequest(values), dataset_version_id: datasetVersionId },
      {
        onSuccess: (session) => {
          void navigate(`/training/active/${session.id}`);
          void announceStart(session);
        },
        onError: (error) => {
          setErrors(errorsFromApi(error));
        },
      },
    );
  };

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_300px]"
    >
      <div className="min-w-0 space-y-6">
        <Card
          title="Dataset"
          description="Ready datasets; the run uses their train and val splits."
        >
          <DatasetSelect
            datasets={datasets}
            value={values.dataset_id}
            error={errors.dataset_id}
            onChange={(dataset_id) => {
              change({ dataset_id });
              setDatasetVersionId(null);
            }}
          />
          <DatasetVersionSelect
            datasetId={values.dataset_id}
            value={datasetVersionId}
            onChange={setDatasetVersionId}
          />
        </Card>

        <Card
          title="Model"
          description={`Architectures of ${familyLabels(catalogue.families) || 'the installed families'}.`}
        >
          <ArchitecturePicker
            architectures={catalogue.items}
            value={values.model_arch}
            referenceClasses={catalogue.reference_classes}
            referenceImageSize={catalogue.reference_image_size}
            error={errors.model_arch}
            onChange={changeArchitecture}
            families={catalogue.families}
          />
          <h3 className="mt-6 text-sm font-semibold text-slate-900">Starting weights</h3>
          <div className="mt-2">
            <WeightsChoice
              mode={values.weightsMode}
              weights={values.weights}
              modelArch={values.model_arch}
              officialCached={selectedArch?.official_weights_available ?? false}
              online={defaults.online}
              officialWeightsDir={defaults.official_weights_dir}
              family={family}
              weightsFile={selectedArch?.weights_file}
              starter={starterOf(defaults, framework)}
              models={weightModels.data}
              error={errors.weights}
              onModeChange={(weightsMode) => {
                change({ weightsMode });
              }}
              onWeightsChange={(weights) => {
                change({ weights });
              }}
            />
          </div>
        </Card>

        <Card title="Hyperparameters" description="Defaults suit most crack datasets.">
          <HyperparameterFields
            values={values}
            errors={errors}
            devices={defaults.devices}
            gpuCount={defaults.gpu_count}
            augmentationPresets={defaults.augmentation_presets}
            onNumberChange={changeNumber}
            onChange={change}
            specs={specs}
            uses={uses}
            augmentationNote={family?.augmentation_note ?? undefined}
          />
        </Card>
      </div>

      <aside className="lg:sticky lg:top-4 lg:self-start">
        <Card title="Summary">
          <div>
            <label htmlFor="run-name" className="block text-sm font-medium text-slate-700">
              Run name <span className="font-normal text-slate-400">(optional)</span>
            </label>
            <input
              id="run-name"
              name="name"
              type="text"
              maxLength={200}
              value={values.name}
              placeholder={`${values.model_arch} on ${selectedDataset?.name ?? 'dataset'}`}
              aria-invalid={errors.name !== undefined}
              onChange={(event) => {
                change({ name: event.target.value });
              }}
              className={cn(INPUT_CLASSES, 'mt-1', errors.name !== undefined && INVALID_CLASSES)}
            />
            <FieldError id="run-name-error" message={errors.name} />
          </div>
          <dl className="mt-4 divide-y divide-slate-100 border-t border-slate-100">
            <SummaryRow label="Dataset" value={selectedDataset?.name ?? '—'} />
            <SummaryRow
              label="Images"
              value={selectedDataset ? selectedDataset.image_count.toLocaleString('en-US') : '—'}
            />
            <SummaryRow label="Model" value={values.model_arch} />
            <SummaryRow
              label="Size"
              value={
                selectedArch
                  ? `${(selectedArch.parameters / 1e6).toFixed(1)} M params · ${selectedArch.gflops.toFixed(1)} GFLOPs`
                  : '—'
              }
            />
            <SummaryRow label="Weights" value={WEIGHTS_LABELS[values.weightsMode]} />
            <SummaryRow label="Epochs" value={values.numbers.epochs || '—'} />
            <SummaryRow
              label="Batch × image"
              value={`${values.numbers.batch_size || '—'} × ${values.numbers.image_size || '—'} px`}
            />
            <SummaryRow
              label="Image size rule"
              value={`multiple of ${String(selectedArch?.image_multiple ?? 32)}`}
            />
            <SummaryRow label="Device" value={values.device} />
          </dl>
          <RunEstimate
            defaults={defaults}
            datasetId={values.dataset_id}
            modelArch={values.model_arch}
            imageSize={values.numbers.image_size}
            epochs={values.numbers.epochs}
            device={values.device}
          />
          {errors[FORM_ERROR] !== undefined && (
            <div
              role="alert"
              className="mt-4 flex gap-2 rounded-md bg-red-50 p-3 text-sm whitespace-pre-line text-red-700"
            >
              <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
              <span>{errors[FORM_ERROR]}</span>
            </div>
          )}
          <Button
            type="submit"
            className="mt-4 w-full"
            disabled={create.isPending || datasets.length === 0}
          >
            <Play className="size-4" aria-hidden="true" />
            {create.isPending ? 'Starting…' : 'Start training'}
          </Button>
          {(running.data?.total ?? 0) > 0 && (
            <p className="mt-2 text-center text-xs text-slate-500">
              {running.data?.total} run{running.data?.total === 1 ? ' is' : 's are'} in progress:
              this one may wait in the queue.
            </p>
          )}
        </Card>
      </aside>
    </form>
  );
}

export default function NewTrainingPage() {
  const defaults = useTrainingDefaults();
  const catalogue = useArchitectures();
  const datasets = useReadyDatasets();
  const failed = [defaults, catalogue, datasets].find((query) => query.isError);

  return (
    <div data-testid="page-training-new">
      <h2 className="sr-only">New training run</h2>
      {failed !== undefined ? (
        <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-6">
          <p className="text-sm font-semibold text-red-800">Could not load the training options</p>
          <p className="mt-1 text-sm text-red-700">{errorMessage(failed.error)}</p>
          <Button
            variant="secondary"
            size="sm"
            className="mt-4"
            onClick={() => {
              for (const query of [defaults, catalogue, datasets]) {
                if (query.isError) void query.refetch();
              }
            }}
          >
            Retry
          </Button>
        </div>
      ) : defaults.data && catalogue.data && datasets.data ? (
        <NewTrainingForm
          defaults={defaults.data}
          catalogue={catalogue.data}
          datasets={datasets.data}
        />
      ) : (
        <Loader label="Loading datasets, models and defaults…" />
      )}
    </div>
  );
}
