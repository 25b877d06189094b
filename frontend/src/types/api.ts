import type { components } from '@/api/schema';

/** A schema of the backend's OpenAPI document, e.g. `ApiSchema<'SystemInfo'>`. */
export type ApiSchema<Name extends keyof components['schemas']> = components['schemas'][Name];
