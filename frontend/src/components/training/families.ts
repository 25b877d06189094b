/**
 * Model families as the API describes them (GET /training/architectures `families`): the front end
 * renders every family-specific text, suffix, field set and export list from this metadata and
 * names no family itself.
 */
import type { ApiSchema } from '@/types/api';

export type Family = ApiSchema<'FamilyOut'>;

/** The family called `name` (an architecture's or a model's `framework`), if the API lists it. */
export function familyNamed(
  families: readonly Family[] | undefined,
  name: string | null | undefined,
): Family | undefined {
  if (name === null || name === undefined) return undefined;
  return families?.find((family) => family.name === name);
}

/** Whether the family uses a TrainingConfig field; without metadata, every field is shown. */
export function usesField(family: Family | undefined, field: string): boolean {
  return family === undefined || family.fields.includes(field);
}

/** The file suffix the family prefers for starting weights ('' when it names none). */
export function preferredSuffix(family: Family | undefined): string {
  return family?.weights_suffixes[0] ?? '';
}

/** "A, B and C": the families' labels, for a sentence. */
export function familyLabels(families: readonly Family[] | undefined): string {
  const labels = (families ?? []).map((family) => family.label);
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels.at(-1) ?? ''}`;
}
