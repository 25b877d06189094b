import { useCallback, useEffect, useRef, useState } from 'react';

import { reportUnauthorized } from '@/services/api';

export type WebSocketStatus = 'idle' | 'connecting' | 'open' | 'closed';

export interface UseWebSocketOptions<T> {
  /** When false no connection is made (and an open one is closed). Default true. */
  enabled?: boolean;
  /** Called with every parsed message. */
  onMessage?: (message: T) => void;
  /** Validates/narrows a parsed JSON value; return null to drop the message. Default: no check. */
  parse?: (value: unknown) => T | null;
  /** First reconnect delay; it doubles after every failed attempt. Default 500 ms. */
  initialDelayMs?: number;
  /** Upper bound of the reconnect delay. Default 10 s. */
  maxDelayMs?: number;
  /** Give up after this many reconnects in a row without a successful open. Default: never. */
  maxReconnectAttempts?: number;
}

export interface UseWebSocketResult<T> {
  status: WebSocketStatus;
  lastMessage: T | null;
  /** Reconnects scheduled since the last successful open. */
  reconnectAttempt: number;
  /** Sends `data` as JSON; returns false when the socket is not open. */
  send: (data: unknown) => boolean;
}

const DEFAULT_INITIAL_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 10_000;
/** Close codes the server uses to refuse a connection; retrying cannot help with either. */
export const WS_CLOSE_UNAUTHENTICATED = 4401;
export const WS_CLOSE_FORBIDDEN_ORIGIN = 4403;

/** ws:// or wss:// URL for a same-origin path, matching how the page itself was loaded. */
export function buildWebSocketUrl(
  path: string,
  location: Pick<Location, 'protocol' | 'host'> = window.location,
): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const normalisedPath = path.startsWith('/') ? path : `/${path}`;
  return `${scheme}//${location.host}${normalisedPath}`;
}

/** Exponential backoff: initial, 2x, 4x, ... capped at `maxDelayMs`. `attempt` starts at 0. */
export function reconnectDelay(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt));
}

function parseJson(raw: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof raw !== 'string') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

interface ConnectionState<T> {
  url: string | null;
  status: WebSocketStatus;
  lastMessage: T | null;
  reconnectAttempt: number;
}

/**
 * A native WebSocket to a same-origin `path` (e.g. "/ws/training/3") that exchanges JSON messages
 * and reconnects with exponential backoff when the connection drops. Pass `null` to stay idle.
 */
export function useWebSocket<T = unknown>(
  path: string | null,
  options: UseWebSocketOptions<T> = {},
): UseWebSocketResult<T> {
  const {
    enabled = true,
    onMessage,
    parse,
    initialDelayMs = DEFAULT_INITIAL_DELAY_MS,
    maxDelayMs = DEFAULT_MAX_DELAY_MS,
    maxReconnectAttempts = Number.POSITIVE_INFINITY,
  } = options;
  const url = path !== null && enabled ? buildWebSocketUrl(path) : null;

  const [state, setState] = useState<ConnectionState<T>>({
    url: null,
    status: 'idle',
    lastMessage: null,
    reconnectAttempt: 0,
  });
  const socketRef = useRef<WebSocket | null>(null);
  const onMessageRef = useRef(onMessage);
  const parseRef = useRef(parse);

  useEffect(() => {
    onMessageRef.current = onMessage;
    parseRef.current = parse;
  });

  useEffect(() => {
    if (url === null) return undefined;
    let disposed = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const update = (patch: Partial<ConnectionState<T>>) => {
      if (!disposed) setState((previous) => ({ ...previous, ...patch, url }));
    };

    const handleMessage = (event: MessageEvent) => {
      const parsed = parseJson(event.data);
      if (!parsed.ok) {
        console.warn('Ignoring a WebSocket message that is not JSON');
        return;
      }
      const check = parseRef.current;
      const message = check ? check(parsed.value) : (parsed.value as T);
      if (message === null) return;
      update({ lastMessage: message });
      onMessageRef.current?.(message);
    };

    const connect = () => {
      const socket = new WebSocket(url);
      socketRef.current = socket;
      socket.onopen = () => {
        attempt = 0;
        update({ status: 'open', reconnectAttempt: 0 });
      };
      socket.onmessage = handleMessage;
      socket.onclose = (event: CloseEvent) => {
        if (disposed) return;
        socketRef.current = null;
        if (event.code === WS_CLOSE_UNAUTHENTICATED || event.code === WS_CLOSE_FORBIDDEN_ORIGIN) {
          update({ status: 'closed' });
          if (event.code === WS_CLOSE_UNAUTHENTICATED) reportUnauthorized();
          else console.warn(`The server refused the WebSocket ${url}: origin not allowed`);
          return;
        }
        if (attempt >= maxReconnectAttempts) {
          update({ status: 'closed' });
          return;
        }
        const delay = reconnectDelay(attempt, initialDelayMs, maxDelayMs);
        attempt += 1;
        update({ status: 'connecting', reconnectAttempt: attempt });
        timer = setTimeout(connect, delay);
      };
    };

    connect();
    return () => {
      disposed = true;
      clearTimeout(timer);
      const socket = socketRef.current;
      socketRef.current = null;
      if (socket) {
        socket.onclose = null;
        socket.onmessage = null;
        socket.onopen = null;
        socket.close();
      }
    };
  }, [url, initialDelayMs, maxDelayMs, maxReconnectAttempts]);

  const send = useCallback((data: unknown): boolean => {
    const socket = socketRef.current;
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(data));
    return true;
  }, []);

  // State left over from a previous URL does not describe the current connection.
  const current = state.url === url && url !== null;
  return {
    status: current ? state.status : url === null ? 'idle' : 'connecting',
    lastMessage: current ? state.lastMessage : null,
    reconnectAttempt: current ? state.reconnectAttempt : 0,
    send,
  };
}
