import { ApiError } from '@/services/errors';

const REFUSAL_TITLES: Record<number, string> = {
  400: 'The zip was refused as unsafe',
  409: 'The upload conflicts with another dataset',
  413: 'The zip is too large',
  415: 'This is not a zip archive',
  422: 'The dataset layout was not recognised',
  507: 'Not enough storage for this dataset',
};

/** A title and the server's own explanation for a refused or failed upload. */
export function describeUploadError(error: unknown): { title: string; detail: string } {
  if (error instanceof ApiError) {
    return {
      title: REFUSAL_TITLES[error.status] ?? `The upload failed (HTTP ${error.status})`,
      detail: error.detail,
    };
  }
  if (error instanceof Error) return { title: 'The upload failed', detail: error.message };
  return { title: 'The upload failed', detail: 'Unknown error' };
}
