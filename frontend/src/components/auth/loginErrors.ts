import { ApiError, errorMessage } from '@/services/errors';

/** What a refused sign-in tells the person, without saying whether the account exists. */
export function loginErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (error.status === 429) {
    const seconds = error.retryAfterSeconds;
    const wait = seconds === null ? 'a minute' : `${seconds} second${seconds === 1 ? '' : 's'}`;
    return `Too many failed sign-in attempts. Wait ${wait} and try again.`;
  }
  if (error.status === 401) return 'Wrong username or password.';
  if (error.status === 403) return `${error.detail} Ask an admin to enable the account.`;
  return error.detail;
}
