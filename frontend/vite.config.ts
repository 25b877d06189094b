/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const BACKEND_URL = process.env.CRACKDET_BACKEND_URL ?? 'http://127.0.0.1:8000';

const OPENAPI = fileURLToPath(new URL('./src/api/openapi.json', import.meta.url));
const LIMITS_ID = 'virtual:openapi-limits';
const LIMIT_KEYS = new Set([
  'type',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'enum',
  'default',
  'anyOf',
  '$ref',
]);

type JsonObject = Record<string, unknown>;

function constraintsOf(schema: JsonObject): JsonObject {
  const kept = Object.entries(schema).filter(([key]) => LIMIT_KEYS.has(key));
  return Object.fromEntries(
    kept.map(([key, value]) => [
      key,
      key === 'anyOf' ? (value as JsonObject[]).map(constraintsOf) : value,
    ]),
  );
}

/**
 * `virtual:openapi-limits`: the constraints of src/api/openapi.json's schemas (ranges, lengths,
 * enums, defaults) that src/api/limits.ts reads, without the document's descriptions (~0.5 MB).
 */
function openapiLimits(): Plugin {
  return {
    name: 'openapi-limits',
    resolveId: (id) => (id === LIMITS_ID ? `\0${LIMITS_ID}` : null),
    load(id) {
      if (id !== `\0${LIMITS_ID}`) return null;
      this.addWatchFile(OPENAPI);
      const doc = JSON.parse(readFileSync(OPENAPI, 'utf8')) as {
        components: { schemas: Record<string, JsonObject> };
      };
      const schemas = Object.fromEntries(
        Object.entries(doc.components.schemas).map(([name, schema]) => {
          const properties = schema.properties as Record<string, JsonObject> | undefined;
          const slim = constraintsOf(schema);
          if (properties !== undefined) {
            slim.properties = Object.fromEntries(
              Object.entries(properties).map(([field, value]) => [field, constraintsOf(value)]),
            );
          }
          return [name, slim];
        }),
      );
      return `export default ${JSON.stringify(schemas)};`;
    },
  };
}

export default defineConfig({
  plugins: [react(), tailwindcss(), openapiLimits()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: BACKEND_URL, changeOrigin: true },
      // API docs: Swagger UI at /docs, ReDoc at /redoc, the schema at /openapi.json or
      // /docs/openapi.json (whichever the backend uses).
      '/docs': { target: BACKEND_URL, changeOrigin: true },
      '/redoc': { target: BACKEND_URL, changeOrigin: true },
      '/openapi.json': { target: BACKEND_URL, changeOrigin: true },
      '/ws': { target: BACKEND_URL, changeOrigin: true, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Long-lived vendor chunks: app changes do not invalidate the cached libraries.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'router', test: /node_modules[\\/](react-router|react-router-dom)[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
    unstubGlobals: true,
  },
});
