import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { MAX_VISIBLE_TOASTS, showToast, useUiStore } from '@/store/uiStore';

import { Toaster } from './Toaster';

describe('Toaster', () => {
  it('shows a toast pushed to the store and removes it when dismissed', async () => {
    render(<Toaster />);
    act(() => {
      showToast({ title: 'Dataset imported', description: '120 images', variant: 'success' });
    });
    expect(screen.getByText('Dataset imported')).toBeInTheDocument();
    expect(screen.getByText('120 images')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Dismiss notification' }));
    await waitFor(() => {
      expect(screen.queryByText('Dataset imported')).not.toBeInTheDocument();
    });
    expect(useUiStore.getState().toasts).toEqual([]);
  });

  it('closes a toast by itself after its duration', async () => {
    render(<Toaster />);
    act(() => {
      showToast({ title: 'Short-lived', durationMs: 50 });
    });
    expect(screen.getByText('Short-lived')).toBeInTheDocument();
    await waitFor(() => {
      expect(useUiStore.getState().toasts).toEqual([]);
    });
    expect(screen.queryByText('Short-lived')).not.toBeInTheDocument();
  });

  it('keeps several toasts but drops the oldest beyond the limit', () => {
    render(<Toaster />);
    act(() => {
      for (let index = 1; index <= MAX_VISIBLE_TOASTS + 2; index += 1) {
        showToast({ title: `Toast ${index}` });
      }
    });
    expect(screen.queryByText('Toast 1')).not.toBeInTheDocument();
    expect(screen.queryByText('Toast 2')).not.toBeInTheDocument();
    expect(screen.getByText(`Toast ${MAX_VISIBLE_TOASTS + 2}`)).toBeInTheDocument();
    expect(useUiStore.getState().toasts).toHaveLength(MAX_VISIBLE_TOASTS);
  });

  it('gives errors a longer default duration', () => {
    const store = useUiStore.getState();
    const errorId = store.pushToast({ title: 'Failed', variant: 'error' });
    const infoId = store.pushToast({ title: 'FYI' });
    const byId = new Map(useUiStore.getState().toasts.map((toast) => [toast.id, toast]));
    expect(byId.get(errorId)!.durationMs).toBeGreaterThan(byId.get(infoId)!.durationMs);
  });
});
