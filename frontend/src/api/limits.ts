/**
 * Input limits read from the backend's OpenAPI document (src/api/openapi.json, generated from the
 * pydantic schemas by `make api-client`), so forms check what the API checks without copying the
 * numbers by hand. The bundle gets only the schemas' constraints (vite.config.ts: openapiLimits).
 */
import schemas from 'virtual:openapi-limits';

import type { components } from './schema';

type SchemaName = keyof components['schemas'];

interface JsonSchema {
  type?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  enum?: readonly unknown[];
  default?: unknown;
  anyOf?: readonly JsonSchema[];
  $ref?: string;
  properties?: Record<string, JsonSchema>;
}

/** The constraints of one property, with `X | null` unwrapped and enum references resolved. */
export interface FieldLimits {
  type: string | undefined;
  /** The field also takes null (blank in a form). */
  nullable: boolean;
  integer: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  enum?: readonly string[];
  default?: unknown;
}

const SCHEMAS = schemas as Record<string, JsonSchema>;

function resolve(schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (ref === undefined) return schema;
  const target = SCHEMAS[ref.replace('#/components/schemas/', '')];
  if (target === undefined) throw new Error(`openapi.json: unknown schema ${ref}`);
  return { ...target, ...(schema.default === undefined ? {} : { default: schema.default }) };
}

/** The limits of `schema.field`; throws when the document lacks it (a renamed field fails loudly). */
export function fieldLimits<S extends SchemaName>(
  schema: S,
  field: keyof components['schemas'][S] & string,
): FieldLimits {
  const property = SCHEMAS[schema]?.properties?.[field];
  if (property === undefined) throw new Error(`openapi.json: ${schema}.${field} is missing`);
  const variants = (property.anyOf ?? [property]).map(resolve);
  const value = variants.find((variant) => variant.type !== 'null') ?? {};
  const limits: FieldLimits = {
    type: value.type,
    nullable: variants.some((variant) => variant.type === 'null'),
    integer: value.type === 'integer',
  };
  for (const key of [
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
    'minLength',
    'maxLength',
    'minItems',
    'maxItems',
  ] as const) {
    const bound = value[key];
    if (typeof bound === 'number') limits[key] = bound;
  }
  if (value.pattern !== undefined) limits.pattern = value.pattern;
  if (value.enum !== undefined) limits.enum = value.enum.map(String);
  const fallback = property.default ?? value.default;
  if (fallback !== undefined) limits.default = fallback;
  return limits;
}

/** A bound the schema must give (a length, a count); throws when it has none. */
export function requiredBound(
  limits: FieldLimits,
  bound: number | undefined,
  what: string,
): number {
  if (bound === undefined) throw new Error(`openapi.json: no ${what} (${JSON.stringify(limits)})`);
  return bound;
}

/** A numeric field's closed range: the lower bound is `minimum` or, when exclusive, above it. */
export interface NumberRange {
  min: number;
  max: number;
  /** The lower bound itself is not allowed (`exclusiveMinimum`). */
  minExclusive: boolean;
  integer: boolean;
  nullable: boolean;
}

/** The range of a numeric field; throws when the schema gives it no lower or upper bound. */
export function numberRange<S extends SchemaName>(
  schema: S,
  field: keyof components['schemas'][S] & string,
): NumberRange {
  const limits = fieldLimits(schema, field);
  const min = limits.minimum ?? limits.exclusiveMinimum;
  const max = limits.maximum ?? limits.exclusiveMaximum;
  if (min === undefined || max === undefined) {
    throw new Error(`openapi.json: ${schema}.${field} has no range`);
  }
  return {
    min,
    max,
    minExclusive: limits.minimum === undefined,
    integer: limits.integer,
    nullable: limits.nullable,
  };
}

/** Whether `value` lies in `range` (integers only where the field is an integer). */
export function inRange(range: NumberRange, value: number): boolean {
  if (!Number.isFinite(value) || (range.integer && !Number.isInteger(value))) return false;
  const aboveMin = range.minExclusive ? value > range.min : value >= range.min;
  return aboveMin && value <= range.max;
}

/** The API's default of a numeric field; throws when it has none. */
export function numberDefault<S extends SchemaName>(
  schema: S,
  field: keyof components['schemas'][S] & string,
): number {
  const value = fieldLimits(schema, field).default;
  if (typeof value !== 'number') throw new Error(`openapi.json: ${schema}.${field} has no default`);
  return value;
}
