/**
 * The new-run form: field specs with the API's ranges, form values <-> request body, client-side
 * checks, and the API's errors assigned to the fields they concern.
 */
import { numberRange } from '@/api/limits';
import { ApiError, errorMessage } from '@/services/errors';

import { familyNamed } from './families';
import {
  type Architecture,
  type ArchitecturesResponse,
  type AugmentationLevel,
  type OptimizerType,
  type TrainingConfig,
  type TrainingDefaults,
  type TrainingSessionCreate,
} from '@/services/training.service';

export type NumericField =
  | 'epochs'
  | 'batch_size'
  | 'image_size'
  | 'learning_rate'
  | 'lr_factor'
  | 'momentum'
  | 'weight_decay'
  | 'warmup_epochs'
  | 'warmup_momentum'
  | 'patience'
  | 'close_mosaic'
  | 'mosaic'
  | 'mixup'
  | 'copy_paste'
  | 'num_workers'
  | 'seed'
  | 'save_period'
  | 'keep_last_checkpoints'
  | 'box_gain'
  | 'cls_gain'
  | 'dfl_gain'
  | 'iou_threshold';

export interface NumberFieldSpec {
  name: NumericField;
  label: string;
  min: number;
  max: number;
  step: number | 'any';
  integer: boolean;
  /** Blank means "use the default of the augmentation level". */
  optional?: boolean;
  /** Must be a multiple of this (image size: 32). */
  multipleOf?: number;
  help: string;
}

/**
 * A numeric field of TrainingConfig: its range, whether it is whole and whether it may be blank come
 * from the API's OpenAPI schema; the label, help and input step are the form's own.
 */
function numberField(
  name: NumericField,
  label: string,
  help: string,
  extra: Partial<NumberFieldSpec> = {},
): NumberFieldSpec {
  const range = numberRange('TrainingConfig', name);
  return {
    name,
    label,
    min: range.min,
    max: range.max,
    step: range.integer ? 1 : 'any',
    integer: range.integer,
    ...(range.nullable ? { optional: true } : {}),
    help,
    ...extra,
  };
}

const LEVEL_DEFAULT_HELP = 'Probability; blank = the level’s value';

export const NUMBER_FIELDS: Record<NumericField, NumberFieldSpec> = {
  epochs: numberField('epochs', 'Epochs', 'Passes over the training set'),
  batch_size: numberField(
    'batch_size',
    'Batch size',
    'Images per step; lower it if memory runs out',
  ),
  // 32 unless the chosen architecture asks for another multiple (imageSizeSpec).
  image_size: numberField(
    'image_size',
    'Image size',
    'Square training size in pixels, a multiple of 32',
    { step: 32, multipleOf: 32 },
  ),
  learning_rate: numberField(
    'learning_rate',
    'Initial learning rate (lr0)',
    'Step size at the start of training',
  ),
  lr_factor: numberField('lr_factor', 'Final LR factor (lrf)', 'Final learning rate = lr0 × lrf'),
  momentum: numberField('momentum', 'Momentum', 'SGD momentum / Adam beta1'),
  weight_decay: numberField('weight_decay', 'Weight decay', 'L2 regularisation'),
  warmup_epochs: numberField(
    'warmup_epochs',
    'Warm-up epochs',
    'Epochs of gradually rising learning rate',
  ),
  warmup_momentum: numberField(
    'warmup_momentum',
    'Warm-up momentum',
    'Momentum at the start of warm-up',
  ),
  patience: numberField(
    'patience',
    'Early-stopping patience',
    'Epochs without improvement before stopping; 0 = never',
  ),
  close_mosaic: numberField(
    'close_mosaic',
    'Close mosaic',
    'Turn mosaic off for the last N epochs',
  ),
  mosaic: numberField('mosaic', 'Mosaic', LEVEL_DEFAULT_HELP),
  mixup: numberField('mixup', 'Mixup', LEVEL_DEFAULT_HELP),
  copy_paste: numberField('copy_paste', 'Copy-paste', LEVEL_DEFAULT_HELP),
  num_workers: numberField(
    'num_workers',
    'Data-loader workers',
    'Worker processes loading images; 0 = in the training process',
  ),
  seed: numberField('seed', 'Random seed', 'Same seed, same data and settings: repeatable runs'),
  save_period: numberField(
    'save_period',
    'Save period',
    'Keep a checkpoint every N epochs; 0 = best and last only',
  ),
  keep_last_checkpoints: numberField(
    'keep_last_checkpoints',
    'Keep last checkpoints',
    'Retention: the best plus the last N epoch checkpoints',
  ),
  box_gain: numberField('box_gain', 'Box loss gain', 'Weight of the box regression loss'),
  cls_gain: numberField('cls_gain', 'Class loss gain', 'Weight of the classification loss'),
  dfl_gain: numberField('dfl_gain', 'DFL loss gain', 'Weight of the distribution focal loss'),
  iou_threshold: numberField(
    'iou_threshold',
    'NMS IoU threshold',
    'Overlap above which validation merges detections',
  ),
};

export const BASIC_FIELDS: NumericField[] = [
  'epochs',
  'batch_size',
  'image_size',
  'learning_rate',
  'patience',
];
export const OPTIMISER_FIELDS: NumericField[] = [
  'lr_factor',
  'momentum',
  'weight_decay',
  'warmup_epochs',
  'warmup_momentum',
];
export const AUGMENTATION_FIELDS: NumericField[] = [
  'mosaic',
  'mixup',
  'copy_paste',
  'close_mosaic',
];
export const SYSTEM_FIELDS: NumericField[] = [
  'num_workers',
  'seed',
  'save_period',
  'keep_last_checkpoints',
];
export const LOSS_FIELDS: NumericField[] = ['box_gain', 'cls_gain', 'dfl_gain', 'iou_threshold'];

export const OPTIMIZERS: OptimizerType[] = ['SGD', 'Adam', 'AdamW', 'RMSProp', 'auto'];
export const AUGMENTATION_LEVELS: AugmentationLevel[] = ['none', 'light', 'medium', 'heavy'];

export type WeightsMode = 'official' | 'custom' | 'scratch' | 'starter';

export interface TrainingFormValues {
  dataset_id: string;
  name: string;
  model_arch: string;
  weightsMode: WeightsMode;
  weights: string;
  optimizer: OptimizerType;
  cosine_lr: boolean;
  augmentation_level: AugmentationLevel;
  device: string;
  /** Numbers as typed (a field can be blank or half-typed while editing). */
  numbers: Record<NumericField, string>;
}

/** Field name (as the API names it) -> message. `form` holds what concerns no single field. */
export type FormErrors = Partial<Record<string, string>>;
export const FORM_ERROR = 'form';

function numberText(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

function weightsModeOf(config: TrainingConfig, starterReference?: string): WeightsMode {
  if (config.weights && config.weights === starterReference) return 'starter';
  return config.weights ? 'custom' : config.pretrained ? 'official' : 'scratch';
}

/** The form's starting values; `starterReference` is the `weights` value of the shipped starter model. */
export function initialFormValues(
  config: TrainingConfig,
  starterReference?: string,
): TrainingFormValues {
  const numbers = {} as Record<NumericField, string>;
  for (const name of Object.keys(NUMBER_FIELDS) as NumericField[]) {
    numbers[name] = numberText(config[name]);
  }
  return {
    dataset_id: '',
    name: '',
    model_arch: config.model_arch,
    weightsMode: weightsModeOf(config, starterReference),
    weights: config.weights ?? '',
    optimizer: config.optimizer,
    cosine_lr: config.cosine_lr,
    augmentation_level: config.augmentation_level,
    device: config.device,
    numbers,
  };
}

function limitText(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}

function rangeText(spec: NumberFieldSpec): string {
  return `${limitText(spec.min)}–${limitText(spec.max)}`;
}

/** "1–1000", "0–1 (blank: level default)", "32–2048, multiple of 32". */
export function rangeHint(spec: NumberFieldSpec): string {
  const parts = [rangeText(spec)];
  if (spec.multipleOf !== undefined) parts.push(`multiple of ${spec.multipleOf}`);
  if (spec.integer && spec.multipleOf === undefined) parts.push('whole number');
  return parts.join(', ');
}

/** The valid sizes around `value` (as the API words it): 100 with multiple 12 -> [96, 108]. */
export function nearestMultiples(value: number, multiple: number, min = 32, max = 2048): number[] {
  const below = Math.floor(value / multiple) * multiple;
  const valid = [below, below + multiple].filter((size) => size >= min && size <= max);
  if (valid.length > 0) return valid;
  return [
    value < min ? Math.ceil(min / multiple) * multiple : Math.floor(max / multiple) * multiple,
  ];
}

/** The client-side problem of one numeric field, or null. */
export function checkNumber(spec: NumberFieldSpec, text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return spec.optional ? null : 'Required';
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return 'Enter a number';
  if (spec.integer && !Number.isInteger(value)) return 'Enter a whole number';
  if (value < spec.min || value > spec.max) return `Must be between ${rangeText(spec)}`;
  if (spec.multipleOf !== undefined && value % spec.multipleOf !== 0) {
    const nearest = nearestMultiples(value, spec.multipleOf, spec.min, spec.max).join(' or ');
    return `Must be a multiple of ${spec.multipleOf} (nearest: ${nearest})`;
  }
  return null;
}

/** The image-size field of an architecture: its own multiple (the catalogue's `image_multiple`). */
export function imageSizeSpec(arch: Architecture | undefined): NumberFieldSpec {
  const base = NUMBER_FIELDS.image_size;
  const multiple = arch?.image_multiple ?? 32;
  if (multiple === base.multipleOf) return base;
  return {
    ...base,
    step: multiple,
    multipleOf: multiple,
    help: `Square training size in pixels; ${arch?.name ?? 'this model'} needs a multiple of ${multiple}`,
  };
}

/** The specs of the form, with the image-size rule of the chosen architecture. */
export function fieldSpecs(arch: Architecture | undefined): Record<NumericField, NumberFieldSpec> {
  return { ...NUMBER_FIELDS, image_size: imageSizeSpec(arch) };
}

/**
 * The image size a run of `next` starts from: the recommended run's when `next` belongs to the
 * recommended architecture's family (and can take it), else the architecture's own default.
 */
function startingImageSize(
  next: Architecture,
  defaults: TrainingDefaults,
  catalogue: ArchitecturesResponse,
): number {
  const recommended = catalogue.items.find((arch) => arch.name === defaults.config.model_arch);
  const size = defaults.config.image_size;
  const fits = size % next.image_multiple === 0;
  return recommended?.framework === next.framework && fits ? size : next.default_image_size;
}

/**
 * The form after choosing another architecture. Changing family brings that family's defaults (the
 * values its metadata lists, e.g. a smaller learning rate and batch) and its starting image size;
 * within a family, an image size the new architecture cannot take becomes its default size.
 */
export function withArchitecture(
  values: TrainingFormValues,
  next: Architecture,
  previous: Architecture | undefined,
  defaults: TrainingDefaults,
  catalogue: ArchitecturesResponse,
): TrainingFormValues {
  const numbers = { ...values.numbers };
  if (previous?.framework !== next.framework) {
    const own = familyNamed(catalogue.families, next.framework)?.defaults ?? {};
    const left =
      previous === undefined
        ? {}
        : (familyNamed(catalogue.families, previous.framework)?.defaults ?? {});
    // Only what differs between the frameworks changes; the user's other numbers stay.
    for (const name of new Set([...Object.keys(own), ...Object.keys(left)])) {
      if (!(name in NUMBER_FIELDS)) continue;
      const field = name as NumericField;
      const value = own[field] ?? defaults.config[field];
      numbers[field] = numberText(typeof value === 'number' ? value : null);
    }
    numbers.image_size = String(startingImageSize(next, defaults, catalogue));
  } else if (Number(numbers.image_size) % next.image_multiple !== 0) {
    numbers.image_size = String(next.default_image_size);
  }
  return { ...values, model_arch: next.name, numbers };
}

export function validateForm(
  values: TrainingFormValues,
  specs: Record<NumericField, NumberFieldSpec> = NUMBER_FIELDS,
  /** The chosen family's preferred weights suffix, for the message ('' when unknown). */
  weightsSuffix = '',
): FormErrors {
  const errors: FormErrors = {};
  if (values.dataset_id === '') errors.dataset_id = 'Choose a dataset';
  if (values.model_arch === '') errors.model_arch = 'Choose a model';
  if (values.weightsMode === 'custom' && values.weights.trim() === '') {
    const file = weightsSuffix === '' ? 'weights file' : weightsSuffix;
    errors.weights = `Enter a model id or a ${file} path under models/ or uploads/`;
  }
  if (values.device.trim() === '') errors.device = 'Choose a device';
  if (values.name.length > 200) errors.name = 'At most 200 characters';
  for (const spec of Object.values(specs)) {
    const problem = checkNumber(spec, values.numbers[spec.name]);
    if (problem !== null) errors[spec.name] = problem;
  }
  return errors;
}

function optionalNumber(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}

/** The POST body of a (validated) form. */
export function toCreateRequest(values: TrainingFormValues): TrainingSessionCreate {
  const n = (name: NumericField) => Number(values.numbers[name]);
  const name = values.name.trim();
  return {
    dataset_id: values.dataset_id,
    ...(name === '' ? {} : { name }),
    model_arch: values.model_arch,
    pretrained: values.weightsMode === 'official' || values.weightsMode === 'custom',
    weights:
      values.weightsMode === 'custom' || values.weightsMode === 'starter'
        ? values.weights.trim()
        : null,
    image_size: n('image_size'),
    epochs: n('epochs'),
    batch_size: n('batch_size'),
    learning_rate: n('learning_rate'),
    lr_factor: n('lr_factor'),
    momentum: n('momentum'),
    weight_decay: n('weight_decay'),
    optimizer: values.optimizer,
    cosine_lr: values.cosine_lr,
    warmup_epochs: n('warmup_epochs'),
    warmup_momentum: n('warmup_momentum'),
    patience: n('patience'),
    augmentation_level: values.augmentation_level,
    mosaic: optionalNumber(values.numbers.mosaic),
    mixup: optionalNumber(values.numbers.mixup),
    copy_paste: optionalNumber(values.numbers.copy_paste),
    close_mosaic: n('close_mosaic'),
    device: values.device.trim(),
    num_workers: n('num_workers'),
    seed: n('seed'),
    save_period: n('save_period'),
    keep_last_checkpoints: n('keep_last_checkpoints'),
    box_gain: n('box_gain'),
    cls_gain: n('cls_gain'),
    dfl_gain: n('dfl_gain'),
    iou_threshold: n('iou_threshold'),
  };
}

const FORM_FIELDS = new Set<string>([
  'dataset_id',
  'name',
  'model_arch',
  'pretrained',
  'weights',
  'optimizer',
  'cosine_lr',
  'augmentation_level',
  'device',
  ...Object.keys(NUMBER_FIELDS),
]);

/** Messages without a field list that still clearly concern one (service-level 422/404/409). */
const MESSAGE_FIELDS: [RegExp, string][] = [
  [/^(starting weights|official .* weights)/i, 'weights'],
  [/^dataset/i, 'dataset_id'],
];

function fieldOfMessage(message: string): string | null {
  const prefix = /^([a-z_]+):\s/.exec(message)?.[1];
  if (prefix !== undefined && FORM_FIELDS.has(prefix)) return prefix;
  for (const [pattern, field] of MESSAGE_FIELDS) if (pattern.test(message)) return field;
  return null;
}

function stripStatus(message: string): string {
  return message.replace(/^HTTP \d{3}: /, '');
}

/** The errors of a failed create request, by the field they concern. */
export function errorsFromApi(error: unknown): FormErrors {
  const errors: FormErrors = {};
  const general: string[] = [];
  const fieldErrors = Object.entries(error instanceof ApiError ? error.fieldErrors : {});
  for (const [field, message] of fieldErrors) {
    const name = field === 'pretrained' ? 'weights' : field;
    if (FORM_FIELDS.has(name)) errors[name] = errors[name] ?? message;
    else general.push(`${field}: ${message}`);
  }
  if (fieldErrors.length === 0) {
    const message = stripStatus(errorMessage(error));
    const field = fieldOfMessage(message);
    if (field === null) general.push(message);
    else errors[field] = message.replace(/^[a-z_]+:\s/, '');
  }
  if (general.length > 0) errors[FORM_ERROR] = general.join('\n');
  else if (fieldErrors.length > 0) {
    errors[FORM_ERROR] = 'The server rejected some settings: see the messages next to the fields.';
  }
  return errors;
}
