/// <reference types="vite/client" />

/** The OpenAPI schemas' constraints (vite.config.ts: openapiLimits), read by src/api/limits.ts. */
declare module 'virtual:openapi-limits' {
  const schemas: Record<string, unknown>;
  export default schemas;
}
