import { MODEL_LIMITS } from '@/services/models.service';

/** The backend's tag rule (app/schemas/models.py TAG_PATTERN), with Unicode letters and digits. */
const TAG_PATTERN = /^[\p{L}\p{N}_][\p{L}\p{N}_ .:+#/-]*$/u;

export function collapseSpaces(value: string): string {
  return value.split(/\s+/).filter(Boolean).join(' ');
}

/** Why a model name is not accepted, or null when it is. */
export function nameProblem(raw: string): string | null {
  const name = collapseSpaces(raw);
  if (name === '') return 'The name cannot be blank.';
  if (name.length > MODEL_LIMITS.nameMaxLength) {
    return `At most ${MODEL_LIMITS.nameMaxLength} characters.`;
  }
  return null;
}

/** Why a new tag cannot be added to `existing`, or null when it can. */
export function tagProblem(raw: string, existing: readonly string[]): string | null {
  const tag = collapseSpaces(raw);
  if (tag === '') return 'Type a tag first.';
  if (tag.length > MODEL_LIMITS.tagMaxLength) {
    return `A tag has at most ${MODEL_LIMITS.tagMaxLength} characters.`;
  }
  if (!TAG_PATTERN.test(tag)) return 'Use letters, digits, spaces and . : + # / - _';
  if (existing.some((other) => other.toLowerCase() === tag.toLowerCase())) {
    return `The model is already tagged "${tag}".`;
  }
  if (existing.length >= MODEL_LIMITS.maxTags) return `At most ${MODEL_LIMITS.maxTags} tags.`;
  return null;
}
