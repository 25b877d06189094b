import { ApiError } from '@/services/errors';
import { ARCHITECTURES, CONFIG, DEFAULTS } from '@/pages/Training/testing/fixtures';

import { familyNamed, usesField } from './families';
import { formatDuration, formatLearningRate, formatParameters } from './format';
import { queueText, runsAhead } from './queue';
import {
  checkNumber,
  errorsFromApi,
  fieldSpecs,
  FORM_ERROR,
  imageSizeSpec,
  initialFormValues,
  nearestMultiples,
  NUMBER_FIELDS,
  rangeHint,
  toCreateRequest,
  validateForm,
  withArchitecture,
} from './trainingForm';

function architecture(name: string) {
  const found = ARCHITECTURES.items.find((arch) => arch.name === name);
  if (found === undefined) throw new Error(name);
  return found;
}

describe('training form', () => {
  it('starts from the defaults and turns them back into the same configuration', () => {
    const values = { ...initialFormValues(CONFIG), dataset_id: 'd1' };
    expect(values.numbers.epochs).toBe('100');
    expect(values.numbers.mosaic).toBe('');
    expect(values.weightsMode).toBe('official');
    expect(validateForm(values)).toEqual({});
    const { dataset_id, ...config } = toCreateRequest(values);
    expect(dataset_id).toBe('d1');
    expect(config).toEqual(CONFIG);
  });

  it('sends pretrained=false from scratch and the weights only for "my weights"', () => {
    const base = { ...initialFormValues(CONFIG), dataset_id: 'd1' };
    expect(toCreateRequest({ ...base, weightsMode: 'scratch', weights: 'x.pt' })).toMatchObject({
      pretrained: false,
      weights: null,
    });
    expect(
      toCreateRequest({ ...base, weightsMode: 'custom', weights: ' models/a.pt ', name: ' run ' }),
    ).toMatchObject({ pretrained: true, weights: 'models/a.pt', name: 'run' });
    expect(validateForm({ ...base, weightsMode: 'custom', weights: '' })).toHaveProperty('weights');
  });

  it('checks numbers against the API ranges', () => {
    expect(checkNumber(NUMBER_FIELDS.epochs, '')).toBe('Required');
    expect(checkNumber(NUMBER_FIELDS.epochs, '1.5')).toBe('Enter a whole number');
    expect(checkNumber(NUMBER_FIELDS.epochs, '0')).toBe('Must be between 1–1,000');
    expect(checkNumber(NUMBER_FIELDS.image_size, '100')).toBe(
      'Must be a multiple of 32 (nearest: 96 or 128)',
    );
    expect(checkNumber(NUMBER_FIELDS.learning_rate, '0.2')).toBe('Must be between 0.0001–0.1');
    expect(checkNumber(NUMBER_FIELDS.mosaic, '')).toBeNull();
    expect(checkNumber(NUMBER_FIELDS.momentum, 'abc')).toBe('Enter a number');
    expect(rangeHint(NUMBER_FIELDS.batch_size)).toBe('1–128, whole number');
    expect(validateForm({ ...initialFormValues(CONFIG), dataset_id: '' })).toEqual({
      dataset_id: 'Choose a dataset',
    });
  });

  it('applies the resolution rule of RF-DETR sizes with the nearest valid values', () => {
    const segNano = architecture('rfdetr-seg-nano');
    expect(nearestMultiples(100, 12)).toEqual([96, 108]);
    expect(nearestMultiples(20, 24)).toEqual([48]);
    expect(imageSizeSpec(segNano).multipleOf).toBe(12);
    expect(checkNumber(imageSizeSpec(segNano), '96')).toBeNull();
    expect(checkNumber(imageSizeSpec(segNano), '100')).toBe(
      'Must be a multiple of 12 (nearest: 96 or 108)',
    );
    expect(checkNumber(imageSizeSpec(architecture('rfdetr-seg-small')), '100')).toBe(
      'Must be a multiple of 24 (nearest: 96 or 120)',
    );
    const values = { ...initialFormValues(CONFIG), dataset_id: 'd1' };
    const invalid = { ...values, numbers: { ...values.numbers, image_size: '100' } };
    expect(validateForm(invalid, fieldSpecs(segNano))).toHaveProperty('image_size');
  });

  it('switches to the RF-DETR defaults and back, keeping what the user typed elsewhere', () => {
    const yolo = architecture('yolov8n-seg');
    const segNano = architecture('rfdetr-seg-nano');
    const start = { ...initialFormValues(CONFIG), dataset_id: 'd1' };
    const typed = { ...start, numbers: { ...start.numbers, epochs: '7' } };
    const rfdetr = withArchitecture(typed, segNano, yolo, DEFAULTS, ARCHITECTURES);
    expect(rfdetr.model_arch).toBe('rfdetr-seg-nano');
    expect(rfdetr.numbers.learning_rate).toBe('0.0001');
    expect(rfdetr.numbers.batch_size).toBe('4');
    expect(rfdetr.numbers.image_size).toBe('312');
    expect(rfdetr.numbers.epochs).toBe('7');
    // Seg Small takes multiples of 24: 108 is not one, so its own resolution comes in; 312 is kept.
    const odd = { ...rfdetr, numbers: { ...rfdetr.numbers, image_size: '108' } };
    const small = architecture('rfdetr-seg-small');
    expect(withArchitecture(odd, small, segNano, DEFAULTS, ARCHITECTURES).numbers.image_size).toBe(
      '384',
    );
    expect(
      withArchitecture(rfdetr, small, segNano, DEFAULTS, ARCHITECTURES).numbers.image_size,
    ).toBe('312');
    const back = withArchitecture(rfdetr, yolo, segNano, DEFAULTS, ARCHITECTURES);
    expect(back.numbers).toMatchObject({
      learning_rate: '0.01',
      batch_size: '16',
      image_size: '640',
    });
    const family = (name: string) => familyNamed(ARCHITECTURES.families, name);
    expect(usesField(family('rfdetr'), 'momentum')).toBe(false);
    expect(usesField(family('rfdetr'), 'learning_rate')).toBe(true);
    expect(usesField(family('ultralytics'), 'momentum')).toBe(true);
    expect(usesField(undefined, 'momentum')).toBe(true);
    // The recommended run's smaller size comes back with its family, not with another family.
    const recommended = { ...DEFAULTS, config: { ...DEFAULTS.config, image_size: 320 } };
    expect(
      withArchitecture(rfdetr, yolo, segNano, recommended, ARCHITECTURES).numbers.image_size,
    ).toBe('320');
    expect(
      withArchitecture(typed, segNano, yolo, recommended, ARCHITECTURES).numbers.image_size,
    ).toBe('312');
  });

  it('assigns the API errors to their fields', () => {
    const perField = new ApiError(422, 'Invalid request', {
      fieldErrors: { epochs: 'too many', request: 'bad body' },
    });
    expect(errorsFromApi(perField)).toEqual({
      epochs: 'too many',
      [FORM_ERROR]: 'request: bad body',
    });

    const device = new ApiError(422, 'device: GPU 1 does not exist');
    expect(errorsFromApi(device)).toEqual({ device: 'GPU 1 does not exist' });

    const dataset = new ApiError(409, "Dataset 'x' is not ready (status: importing)");
    expect(errorsFromApi(dataset)).toEqual({
      dataset_id: "Dataset 'x' is not ready (status: importing)",
    });
    expect(errorsFromApi(new TypeError('Failed to fetch'))).toEqual({
      [FORM_ERROR]: 'The backend could not be reached.',
    });
  });
});

describe('training display helpers', () => {
  it('formats durations, learning rates and parameter counts', () => {
    expect(formatDuration(3725)).toBe('1h 2m');
    expect(formatDuration(125)).toBe('2m 5s');
    expect(formatDuration(null)).toBe('—');
    expect(formatLearningRate(0.01)).toBe('0.0100');
    expect(formatLearningRate(0.000123)).toBe('1.23e-4');
    expect(formatParameters(3_409_968)).toBe('3.4 M');
  });

  it('counts the runs ahead of a queued one', () => {
    const me = { id: 'me', status: 'queued' as const, queue_position: 2 };
    const running = { id: 'r', status: 'running' as const, queue_position: null };
    const starting = { id: 's', status: 'queued' as const, queue_position: null };
    const waiting = { id: 'w', status: 'queued' as const, queue_position: 1 };
    expect(runsAhead(me, [running, waiting, me])).toBe(2);
    expect(runsAhead({ ...me, queue_position: 1 }, [starting, me])).toBe(1);
    expect(runsAhead({ ...me, queue_position: 1 }, [me])).toBe(0);
    expect(queueText(2)).toBe('Queued behind 2 runs');
    expect(queueText(1)).toBe('Queued behind 1 run');
    expect(queueText(0)).toMatch(/as soon as a training slot is free/);
  });
});
