import { RateLimitedError } from '@/services/auth.service';
import { ApiError, DetailedApiError, errorMessage } from '@/services/errors';

/** What a refused sign-in tells the person, without saying whether the account exists. */
export function loginErrorMessage(error: unknown): string {
  if (error instanceof RateLimitedError) {
    const wait =
      error.retryAfterSeconds === null
        ? 'a minute'
        : `${error.retryAfterSeconds} second${error.retryAfterSeconds === 1 ? '' : 's'}`;
    return `Too many failed sign-in attempts. Wait ${wait} and try again.`;
  }
  if (error instanceof ApiError && error.status === 401) return 'Wrong username or password.';
  if (error instanceof DetailedApiError && error.status === 403) {
    return `${error.detail} Ask an admin to enable the account.`;
  }
  if (error instanceof DetailedApiError) return error.detail;
  return errorMessage(error);
}
