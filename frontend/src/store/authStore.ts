import { create } from 'zustand';

interface AuthState {
  /**
   * The server answered 401 (session expired, logged out elsewhere, revoked): the app leaves for
   * the login page. Who is signed in comes from the auth-status query, not from here.
   */
  sessionExpired: boolean;
  /** When the login page last sent the browser back because the server still knew the session. */
  lastResumedAt: number;
  markSessionExpired: () => void;
  clearSessionExpired: () => void;
  markResumed: (at: number) => void;
}

export const useAuthStore = create<AuthState>()((set) => ({
  sessionExpired: false,
  lastResumedAt: Number.NEGATIVE_INFINITY,
  markSessionExpired: () => {
    set({ sessionExpired: true });
  },
  clearSessionExpired: () => {
    set({ sessionExpired: false });
  },
  markResumed: (at) => {
    set({ sessionExpired: false, lastResumedAt: at });
  },
}));
