import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { Notification, NotificationPage } from '@/services/notifications.service';
import { FakeWebSocket } from '@/test/FakeWebSocket';
import { HEALTHY, jsonResponse, mockFetch, renderRoute, SYSTEM_INFO } from '@/test/utils';
import { useUiStore } from '@/store/uiStore';
import { useGpuStore } from '@/store/gpuStore';

function note(id: number, overrides: Partial<Notification> = {}): Notification {
  return {
    id,
    level: 'warning',
    title: `GPU 0: warning ${id}`,
    message: 'GPU 0 at 86 C (the warning threshold is 80 C).',
    source: 'monitoring',
    created_at: new Date().toISOString(),
    read_at: null,
    read: false,
    ...overrides,
  };
}

function page(items: Notification[]): NotificationPage {
  return {
    items,
    total: items.length,
    offset: 0,
    limit: 20,
    unread_count: items.filter((n) => !n.read).length,
  };
}

function socket(path: string): FakeWebSocket {
  const found = FakeWebSocket.instances.filter((s) => s.url.endsWith(path)).at(-1);
  if (!found) throw new Error(`no socket for ${path}`);
  return found;
}

describe('notification centre', { timeout: 20_000 }, () => {
  let items: Notification[];

  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    items = [
      note(2),
      note(1, { level: 'success', title: 'Training finished', source: 'training' }),
    ];
    mockFetch({
      '/api/v1/system/health': () => jsonResponse(HEALTHY),
      '/api/v1/system/info': () => jsonResponse(SYSTEM_INFO),
      '/api/v1/notifications': () => jsonResponse(page(items)),
      '/api/v1/notifications/2/read': () => {
        items = items.map((n) => (n.id === 2 ? { ...n, read: true, read_at: n.created_at } : n));
        return jsonResponse(items[0]);
      },
      '/api/v1/notifications/read-all': () => {
        items = items.map((n) => ({ ...n, read: true, read_at: n.created_at }));
        return jsonResponse({ updated: 1 });
      },
    });
  });

  beforeEach(() => {
    useGpuStore.getState().reset();
  });

  it('shows the unread count, lists notifications and marks them read', async () => {
    const user = userEvent.setup();
    renderRoute('/prediction');
    expect(await screen.findByTestId('unread-count')).toHaveTextContent('2');

    await user.click(screen.getByRole('button', { name: 'Notifications, 2 unread' }));
    const panel = await screen.findByRole('dialog', { name: 'Notification centre' });
    expect(await within(panel).findByText('Training finished')).toBeInTheDocument();
    expect(within(panel).getByTestId('notification-2')).toHaveAttribute('data-read', 'false');

    await user.click(
      within(panel).getByRole('button', { name: 'Mark "GPU 0: warning 2" as read' }),
    );
    await waitFor(() => {
      expect(screen.getByTestId('unread-count')).toHaveTextContent('1');
    });

    await user.click(within(panel).getByRole('button', { name: 'Mark all read' }));
    await waitFor(() => {
      expect(screen.queryByTestId('unread-count')).not.toBeInTheDocument();
    });

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Notification centre' })).not.toBeInTheDocument();
  });

  it('pops up a toast for a notification pushed on /ws/notifications', async () => {
    renderRoute('/prediction');
    const ws = socket('/ws/notifications');
    act(() => {
      ws.open();
      ws.receive(
        JSON.stringify({
          ...note(3, { level: 'error', title: 'Training failed', message: 'Out of memory' }),
          type: 'notification',
          timestamp: new Date().toISOString(),
          unread_count: 3,
        }),
      );
    });
    expect(useUiStore.getState().toasts).toMatchObject([
      { variant: 'error', title: 'Training failed', description: 'Out of memory' },
    ]);
    expect(await screen.findByText('Training failed')).toBeInTheDocument();
  });

  it('feeds the header GPU status from /ws/gpu', async () => {
    renderRoute('/prediction');
    const ws = socket('/ws/gpu');
    act(() => {
      ws.open();
      ws.receive(JSON.stringify({ type: 'something else' }));
    });
    expect(screen.getByTestId('header-gpu-status')).toHaveTextContent('GPU: waiting…');
    act(() => {
      ws.receive(
        JSON.stringify({
          type: 'gpu_stats',
          timestamp: '2026-11-26T12:00:00Z',
          gpu_available: false,
          gpu_reason: 'No NVIDIA GPU found',
          gpus: [],
          host: {
            cpu_percent: 12,
            cpu_per_core_percent: [12, 12],
            cpu_count: 2,
            memory_total_bytes: 1,
            memory_used_bytes: 1,
            memory_available_bytes: 0,
            memory_percent: 40,
            swap_total_bytes: 0,
            swap_used_bytes: 0,
            swap_percent: 0,
            disk_path: '/d',
          },
        }),
      );
    });
    await waitFor(() => {
      expect(screen.getByTestId('header-gpu-status')).toHaveTextContent('CPU only');
    });
    expect(screen.getByTestId('header-gpu-status')).toHaveTextContent('CPU 12% · RAM 40%');
  });
});
