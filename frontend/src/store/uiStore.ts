import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export type ToastVariant = 'info' | 'success' | 'warning' | 'error';

export interface Toast {
  id: string;
  title: string;
  description?: string;
  variant: ToastVariant;
  /** Milliseconds before the toast closes by itself. */
  durationMs: number;
}

export type ToastInput = Pick<Toast, 'title'> & Partial<Omit<Toast, 'id' | 'title'>>;

export const DEFAULT_TOAST_DURATION_MS = 5_000;
export const ERROR_TOAST_DURATION_MS = 8_000;
/** Older toasts are dropped beyond this many, so a burst of errors cannot flood the screen. */
export const MAX_VISIBLE_TOASTS = 5;

interface UiState {
  toasts: Toast[];
  sidebarCollapsed: boolean;
  pushToast: (toast: ToastInput) => string;
  dismissToast: (id: string) => void;
  clearToasts: () => void;
  toggleSidebar: () => void;
  setSidebarCollapsed: (collapsed: boolean) => void;
}

let toastSequence = 0;

function nextToastId(): string {
  toastSequence += 1;
  return `toast-${toastSequence}`;
}

function defaultDuration(variant: ToastVariant): number {
  return variant === 'error' ? ERROR_TOAST_DURATION_MS : DEFAULT_TOAST_DURATION_MS;
}

export const useUiStore = create<UiState>()(
  persist(
    (set) => ({
      toasts: [],
      sidebarCollapsed: false,
      pushToast: (input) => {
        const variant = input.variant ?? 'info';
        const toast: Toast = {
          ...input,
          id: nextToastId(),
          variant,
          durationMs: input.durationMs ?? defaultDuration(variant),
        };
        set((state) => ({ toasts: [...state.toasts, toast].slice(-MAX_VISIBLE_TOASTS) }));
        return toast.id;
      },
      dismissToast: (id) => {
        set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
      },
      clearToasts: () => {
        set({ toasts: [] });
      },
      toggleSidebar: () => {
        set((state) => ({ sidebarCollapsed: !state.sidebarCollapsed }));
      },
      setSidebarCollapsed: (collapsed) => {
        set({ sidebarCollapsed: collapsed });
      },
    }),
    {
      name: 'crackdet-ui',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      // Only the layout preference survives a reload; toasts are transient.
      partialize: (state) => ({ sidebarCollapsed: state.sidebarCollapsed }),
    },
  ),
);

/** Shows a toast from outside React (e.g. a query error handler). */
export function showToast(toast: ToastInput): string {
  return useUiStore.getState().pushToast(toast);
}
