import { FIELDS as MONITORING_FIELDS } from '@/components/gpu/monitoringSettings';
import { NUMBER_FIELDS, type NumericField } from '@/components/training/trainingForm';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  TOKEN_NAME_MAX_LENGTH,
  usernameProblem,
} from '@/services/auth.service';
import { MODEL_LIMITS } from '@/services/models.service';
import {
  DEFAULT_PARAMETERS,
  REQUEST_CONF,
  toPredictParams,
} from '@/components/prediction/parameters';

import { fieldLimits, inRange, numberDefault, numberRange } from './limits';
import openapi from './openapi.json';

type Property = Record<string, unknown> & { anyOf?: Record<string, unknown>[] };

/** The raw JSON property, read independently of limits.ts. */
function property(schema: string, field: string): Record<string, unknown> {
  const schemas = (
    openapi as unknown as {
      components: { schemas: Record<string, { properties: Record<string, Property> }> };
    }
  ).components.schemas;
  const raw = schemas[schema]?.properties[field];
  if (raw === undefined) throw new Error(`${schema}.${field} missing from openapi.json`);
  return raw.anyOf?.find((variant) => variant.type !== 'null') ?? raw;
}

describe('limits from the OpenAPI schema', () => {
  it('unwraps nullable fields, resolves enum references and keeps defaults', () => {
    expect(fieldLimits('TrainingConfig', 'mosaic')).toMatchObject({
      nullable: true,
      integer: false,
      minimum: 0,
      maximum: 1,
    });
    expect(fieldLimits('TrainingConfig', 'optimizer').enum).toContain('AdamW');
    expect(fieldLimits('TrainingConfig', 'optimizer').default).toBe('SGD');
    expect(fieldLimits('TrainingConfig', 'device').maxLength).toBe(
      property('TrainingConfig', 'device').maxLength,
    );
    expect(numberRange('PredictParams', 'mm_per_px')).toMatchObject({ min: 0, minExclusive: true });
    expect(() => numberRange('TrainingConfig', 'device')).toThrow(/no range/);
  });

  it('checks ranges with exclusive bounds and whole numbers', () => {
    const scale = numberRange('PredictParams', 'mm_per_px');
    expect(inRange(scale, 0)).toBe(false);
    expect(inRange(scale, 0.01)).toBe(true);
    expect(inRange(scale, scale.max + 1)).toBe(false);
    const epochs = numberRange('TrainingConfig', 'epochs');
    expect(inRange(epochs, 1.5)).toBe(false);
    expect(inRange(epochs, epochs.max)).toBe(true);
  });

  it("gives the training form exactly the API's ranges for every numeric field", () => {
    for (const [name, spec] of Object.entries(NUMBER_FIELDS) as [
      NumericField,
      (typeof NUMBER_FIELDS)[NumericField],
    ][]) {
      const raw = property('TrainingConfig', name);
      expect({ name, min: spec.min, max: spec.max, integer: spec.integer }).toEqual({
        name,
        min: raw.minimum,
        max: raw.maximum,
        integer: raw.type === 'integer',
      });
    }
    // Spot checks against the numbers the backend documents (app/schemas/training.py).
    expect(NUMBER_FIELDS.epochs).toMatchObject({ min: 1, max: 1000, integer: true });
    expect(NUMBER_FIELDS.learning_rate).toMatchObject({ min: 0.0001, max: 0.1, integer: false });
    expect(NUMBER_FIELDS.mosaic.optional).toBe(true);
    expect(NUMBER_FIELDS.epochs.optional).toBeUndefined();
  });

  it("validates prediction parameters with the API's ranges and defaults", () => {
    const imgsz = property('PredictParams', 'imgsz');
    expect(REQUEST_CONF).toBe(property('PredictParams', 'conf').default);
    expect(DEFAULT_PARAMETERS.tileSize).toBe(String(numberDefault('PredictParams', 'tile_size')));
    const tooBig = toPredictParams({
      ...DEFAULT_PARAMETERS,
      modelId: 'm',
      imgsz: String(Number(imgsz.maximum) + 1),
    });
    expect(tooBig).toEqual({
      ok: false,
      error: `Image size must be a whole number from ${String(imgsz.minimum)} to ${String(imgsz.maximum)}.`,
    });
    const largest = toPredictParams({
      ...DEFAULT_PARAMETERS,
      modelId: 'm',
      imgsz: String(imgsz.maximum),
    });
    expect(largest.ok && largest.params.imgsz).toBe(imgsz.maximum);
  });

  it("gives the monitoring, account and model forms the API's limits", () => {
    for (const spec of MONITORING_FIELDS) {
      const raw = property('MonitoringSettings', spec.key);
      expect([spec.key, spec.min, spec.max]).toEqual([spec.key, raw.minimum, raw.maximum]);
    }
    const password = property('UserCreate', 'password');
    expect([PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH]).toEqual([
      password.minLength,
      password.maxLength,
    ]);
    expect(TOKEN_NAME_MAX_LENGTH).toBe(property('ApiTokenCreate', 'name').maxLength);
    expect(MODEL_LIMITS.nameMaxLength).toBe(property('ModelUpdate', 'name').maxLength);
    expect(MODEL_LIMITS.maxTags).toBe(property('ModelUpdate', 'tags').maxItems);
    const username = property('UserCreate', 'username');
    expect(usernameProblem('a'.repeat(Number(username.minLength)))).toBeNull();
    expect(usernameProblem('a'.repeat(Number(username.maxLength) + 1))).not.toBeNull();
    expect(usernameProblem('no spaces')).not.toBeNull();
  });
});
