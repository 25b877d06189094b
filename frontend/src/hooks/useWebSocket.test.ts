import { act, renderHook } from '@testing-library/react';

import { useAuthStore } from '@/store/authStore';
import { FakeWebSocket } from '@/test/FakeWebSocket';

import {
  buildWebSocketUrl,
  reconnectDelay,
  useWebSocket,
  WS_CLOSE_FORBIDDEN_ORIGIN,
  WS_CLOSE_UNAUTHENTICATED,
} from './useWebSocket';

describe('buildWebSocketUrl', () => {
  it('uses ws:// for an http page and wss:// for an https page', () => {
    expect(buildWebSocketUrl('/ws/system', { protocol: 'http:', host: '127.0.0.1:8000' })).toBe(
      'ws://127.0.0.1:8000/ws/system',
    );
    expect(buildWebSocketUrl('ws/system', { protocol: 'https:', host: 'crack.example' })).toBe(
      'wss://crack.example/ws/system',
    );
  });

  it('defaults to the current page location', () => {
    expect(buildWebSocketUrl('/ws/x')).toBe(`ws://${window.location.host}/ws/x`);
  });
});

describe('reconnectDelay', () => {
  it('doubles from the initial delay and stops at the maximum', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((attempt) => reconnectDelay(attempt, 100, 1_000));
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});

describe('useWebSocket', () => {
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects and delivers parsed JSON messages', () => {
    const onMessage = vi.fn();
    const { result } = renderHook(() =>
      useWebSocket<{ epoch: number }>('/ws/training/1', { onMessage }),
    );
    const socket = FakeWebSocket.latest();
    expect(socket.url).toBe(`ws://${window.location.host}/ws/training/1`);
    expect(result.current.status).toBe('connecting');

    act(() => {
      socket.open();
    });
    expect(result.current.status).toBe('open');

    act(() => {
      socket.receive('{"epoch": 3}');
    });
    expect(onMessage).toHaveBeenCalledWith({ epoch: 3 });
    expect(result.current.lastMessage).toEqual({ epoch: 3 });
  });

  it('ignores messages that are not JSON or fail validation', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const onMessage = vi.fn();
    const parse = (value: unknown) =>
      typeof value === 'object' && value !== null && 'type' in value ? value : null;
    renderHook(() => useWebSocket('/ws/x', { onMessage, parse }));
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.open();
      socket.receive('not json');
      socket.receive('{"no_type": true}');
      socket.receive('{"type": "ping"}');
    });
    expect(onMessage).toHaveBeenCalledTimes(1);
    expect(onMessage).toHaveBeenCalledWith({ type: 'ping' });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('reconnects with exponential backoff after the connection drops', () => {
    const { result } = renderHook(() =>
      useWebSocket('/ws/x', { initialDelayMs: 100, maxDelayMs: 1_000 }),
    );
    act(() => {
      FakeWebSocket.latest().open();
    });

    act(() => {
      FakeWebSocket.latest().serverClose();
    });
    expect(result.current.status).toBe('connecting');
    expect(result.current.reconnectAttempt).toBe(1);
    act(() => {
      vi.advanceTimersByTime(99);
    });
    expect(FakeWebSocket.instances).toHaveLength(1);
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(FakeWebSocket.instances).toHaveLength(2);

    // The second try fails before opening: the next wait doubles.
    act(() => {
      FakeWebSocket.latest().serverClose();
    });
    act(() => {
      vi.advanceTimersByTime(199);
    });
    expect(FakeWebSocket.instances).toHaveLength(2);
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(FakeWebSocket.instances).toHaveLength(3);

    // A successful open resets the backoff and messages flow again.
    const onMessage = vi.fn();
    act(() => {
      FakeWebSocket.latest().open();
      FakeWebSocket.latest().receive('[1, 2]');
    });
    expect(result.current.status).toBe('open');
    expect(result.current.reconnectAttempt).toBe(0);
    expect(result.current.lastMessage).toEqual([1, 2]);
    expect(onMessage).not.toHaveBeenCalled();
  });

  it('gives up after maxReconnectAttempts', () => {
    const { result } = renderHook(() =>
      useWebSocket('/ws/x', { initialDelayMs: 10, maxReconnectAttempts: 1 }),
    );
    act(() => {
      FakeWebSocket.latest().serverClose();
    });
    act(() => {
      vi.advanceTimersByTime(10);
    });
    act(() => {
      FakeWebSocket.latest().serverClose();
    });
    act(() => {
      vi.advanceTimersByTime(10_000);
    });
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(result.current.status).toBe('closed');
  });

  it('sends JSON only while open', () => {
    const { result } = renderHook(() => useWebSocket('/ws/x'));
    const socket = FakeWebSocket.latest();
    expect(result.current.send({ action: 'stop' })).toBe(false);
    act(() => {
      socket.open();
    });
    expect(result.current.send({ action: 'stop' })).toBe(true);
    expect(socket.sent).toEqual(['{"action":"stop"}']);
  });

  it('closes on unmount without reconnecting', () => {
    const { unmount } = renderHook(() => useWebSocket('/ws/x', { initialDelayMs: 10 }));
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.open();
    });
    unmount();
    expect(socket.closedByClient).toBe(true);
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('stays idle without a path or when disabled', () => {
    const { result, rerender } = renderHook(
      ({ path, enabled }: { path: string | null; enabled: boolean }) =>
        useWebSocket(path, { enabled }),
      { initialProps: { path: null as string | null, enabled: true } },
    );
    expect(result.current.status).toBe('idle');
    rerender({ path: '/ws/x', enabled: false });
    expect(result.current.status).toBe('idle');
    expect(FakeWebSocket.instances).toHaveLength(0);
    rerender({ path: '/ws/x', enabled: true });
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('does not reconnect after a 4401 close and routes to the login page', () => {
    useAuthStore.setState({ sessionExpired: false });
    const { result } = renderHook(() => useWebSocket('/ws/x', { initialDelayMs: 10 }));
    act(() => {
      FakeWebSocket.latest().serverClose(WS_CLOSE_UNAUTHENTICATED);
    });
    expect(result.current.status).toBe('closed');
    expect(useAuthStore.getState().sessionExpired).toBe(true);
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(FakeWebSocket.instances).toHaveLength(1);
    useAuthStore.setState({ sessionExpired: false });
  });

  it('does not reconnect after a 4403 close (origin refused) and keeps the session', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    useAuthStore.setState({ sessionExpired: false });
    const { result } = renderHook(() => useWebSocket('/ws/x', { initialDelayMs: 10 }));
    act(() => {
      FakeWebSocket.latest().serverClose(WS_CLOSE_FORBIDDEN_ORIGIN);
      vi.advanceTimersByTime(60_000);
    });
    expect(result.current.status).toBe('closed');
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(useAuthStore.getState().sessionExpired).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('origin not allowed'));
    warn.mockRestore();
  });
});
