// Fails when src/api/schema.d.ts is not what `npm run gen:api` would generate from
// src/api/openapi.json (the schema is regenerated in memory; nothing is written).
import { readFile } from 'node:fs/promises';

import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

const specUrl = new URL('../src/api/openapi.json', import.meta.url);
const typesUrl = new URL('../src/api/schema.d.ts', import.meta.url);

const expected = `${COMMENT_HEADER}${astToString(await openapiTS(specUrl, { silent: true }))}`;
const actual = await readFile(typesUrl, 'utf8').catch(() => null);

if (actual === expected) {
  console.log('src/api/schema.d.ts is up to date with src/api/openapi.json');
} else {
  console.error(
    actual === null
      ? 'src/api/schema.d.ts is missing.'
      : 'src/api/schema.d.ts is out of date with src/api/openapi.json.',
  );
  console.error('Regenerate it: `make api-client` (or `npm run gen:api` in frontend/).');
  process.exitCode = 1;
}
