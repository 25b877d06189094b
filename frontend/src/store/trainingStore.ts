import { create } from 'zustand';

import {
  isFinished,
  isSessionStatus,
  type SessionStatus,
  type TrainingEvent,
  type TrainingEventType,
} from '@/services/training.service';

/**
 * Live state of the training sessions being watched, fed by the WebSocket /ws/training/{id}.
 *
 * Every stored event carries an increasing id: an event at or below the last id applied is a
 * duplicate (a replay after a reconnect) and changes nothing, so the charts never get a point twice.
 */

export const MAX_LOG_LINES = 2_000;

export interface EpochPoint {
  /** 1-based epoch number. */
  epoch: number;
  /** Flat metric names (train_loss, val_seg_loss, mask_map50_95, lr, ...). */
  metrics: Record<string, number>;
  isBest: boolean;
}

export interface ProgressInfo {
  epoch: number;
  totalEpochs: number;
  batch: number;
  totalBatches: number;
  percent: number;
  etaSeconds: number | null;
  elapsedSeconds: number | null;
  losses: Record<string, number>;
}

export interface LogEntry {
  id: number;
  timestamp: string;
  level: string;
  message: string;
}

export interface CompletionInfo {
  bestMap: number | null;
  bestEpoch: number | null;
  modelId: string | null;
}

export interface LiveSession {
  lastEventId: number;
  status: SessionStatus | null;
  /** When (client clock, ms) the stream last set the status: the fresher of it and REST wins. */
  statusAt: number;
  statusMessage: string | null;
  /** The server finished replaying the stored events at least once. */
  historyLoaded: boolean;
  epochs: EpochPoint[];
  progress: ProgressInfo | null;
  logs: LogEntry[];
  /** Bumped on every checkpoint_saved event (the checkpoint list refetches). */
  checkpointVersion: number;
  completion: CompletionInfo | null;
  error: string | null;
}

export const EMPTY_LIVE_SESSION: LiveSession = {
  lastEventId: 0,
  status: null,
  statusAt: 0,
  statusMessage: null,
  historyLoaded: false,
  epochs: [],
  progress: null,
  logs: [],
  checkpointVersion: 0,
  completion: null,
  error: null,
};

/** A message of the training WebSocket, narrowed from its JSON. */
export type StreamMessage =
  | { kind: 'event'; event: TrainingEvent }
  | { kind: 'history_end'; lastEventId: number; status: SessionStatus | null }
  | { kind: 'error'; message: string; code: string | null }
  | { kind: 'other'; type: string };

const EVENT_TYPES: readonly TrainingEventType[] = [
  'training_state',
  'training_progress',
  'training_metrics',
  'training_log',
  'checkpoint_saved',
  'training_complete',
  'error',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}

function numericRecord(value: unknown): Record<string, number> {
  if (!isRecord(value)) return {};
  const out: Record<string, number> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'number' && Number.isFinite(entry)) out[key] = entry;
  }
  return out;
}

function isEventType(value: unknown): value is TrainingEventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** Narrows a parsed WebSocket JSON value; null for anything that is not a message. */
export function parseStreamMessage(value: unknown): StreamMessage | null {
  if (!isRecord(value) || typeof value.type !== 'string') return null;
  const { type } = value;
  if (typeof value.id === 'number' && isEventType(type)) {
    return {
      kind: 'event',
      event: {
        id: value.id,
        type,
        session_id: stringOr(value.session_id, ''),
        timestamp: stringOr(value.timestamp, ''),
        data: isRecord(value.data) ? value.data : {},
      },
    };
  }
  if (type === 'history_end') {
    return {
      kind: 'history_end',
      lastEventId: numberOr(value.last_event_id, 0),
      status: isSessionStatus(value.status) ? value.status : null,
    };
  }
  if (type === 'error') {
    return {
      kind: 'error',
      message: stringOr(value.message, 'The training stream reported an error'),
      code: stringOr(value.code, null),
    };
  }
  return { kind: 'other', type };
}

function upsertEpoch(epochs: EpochPoint[], point: EpochPoint): EpochPoint[] {
  const others = epochs.filter((existing) => existing.epoch !== point.epoch);
  const withBest = point.isBest
    ? others.map((e) => (e.isBest ? { ...e, isBest: false } : e))
    : others;
  return [...withBest, point].sort((a, b) => a.epoch - b.epoch);
}

function metricsFromEvent(data: Record<string, unknown>): Record<string, number> {
  const metrics = numericRecord(data.metrics);
  // The event's flat summary fields fill in when `metrics` lacks them.
  const fallbacks: [string, unknown][] = [
    ['train_loss', data.train_loss],
    ['val_loss', data.val_loss],
    ['mask_map50_95', data.val_map],
    ['lr', data.learning_rate],
    ['epoch_time', data.epoch_time],
  ];
  for (const [key, value] of fallbacks) {
    if (metrics[key] === undefined && typeof value === 'number' && Number.isFinite(value)) {
      metrics[key] = value;
    }
  }
  return metrics;
}

function applyState(live: LiveSession, data: Record<string, unknown>, now: number): LiveSession {
  const status = isSessionStatus(data.status) ? data.status : live.status;
  const message = stringOr(data.message, null);
  const restarted = status === 'queued' || status === 'running';
  return {
    ...live,
    status,
    statusAt: now,
    statusMessage: message,
    // A resumed run starts over: the previous outcome no longer describes it.
    completion: restarted ? null : live.completion,
    error: restarted ? null : status === 'failed' ? (message ?? live.error) : live.error,
  };
}

function applyProgress(live: LiveSession, data: Record<string, unknown>): LiveSession {
  return {
    ...live,
    progress: {
      epoch: numberOr(data.current_epoch, 0),
      totalEpochs: numberOr(data.total_epochs, 0),
      batch: numberOr(data.current_batch, 0),
      totalBatches: numberOr(data.total_batches, 0),
      percent: numberOr(data.progress_percent, 0),
      etaSeconds: numberOr(data.estimated_time_remaining, null),
      elapsedSeconds: numberOr(data.elapsed, null),
      losses: numericRecord(data.losses),
    },
  };
}

function applyMetrics(live: LiveSession, data: Record<string, unknown>): LiveSession {
  const epoch = numberOr(data.epoch, null);
  if (epoch === null) return live;
  const point: EpochPoint = {
    epoch,
    metrics: metricsFromEvent(data),
    isBest: data.is_best === true,
  };
  return { ...live, epochs: upsertEpoch(live.epochs, point) };
}

function applyLog(live: LiveSession, event: TrainingEvent): LiveSession {
  const entry: LogEntry = {
    id: event.id,
    timestamp: event.timestamp,
    level: stringOr(event.data.level, 'info'),
    message: stringOr(event.data.message, ''),
  };
  const logs = [...live.logs, entry];
  return { ...live, logs: logs.length > MAX_LOG_LINES ? logs.slice(-MAX_LOG_LINES) : logs };
}

function applyCompletion(live: LiveSession, data: Record<string, unknown>): LiveSession {
  return {
    ...live,
    completion: {
      bestMap: numberOr(data.best_map, null),
      bestEpoch: numberOr(data.best_epoch, null),
      modelId: stringOr(data.model_id, null),
    },
  };
}

/** The session after one stored event; unchanged (the same object) for a duplicate. */
export function reduceEvent(
  live: LiveSession,
  event: TrainingEvent,
  now: number = Date.now(),
): LiveSession {
  if (event.id <= live.lastEventId) return live;
  const next = { ...live, lastEventId: event.id };
  const { data } = event;
  switch (event.type) {
    case 'training_state':
      return applyState(next, data, now);
    case 'training_progress':
      return applyProgress(next, data);
    case 'training_metrics':
      return applyMetrics(next, data);
    case 'training_log':
      return applyLog(next, event);
    case 'checkpoint_saved':
      return { ...next, checkpointVersion: next.checkpointVersion + 1 };
    case 'training_complete':
      return applyCompletion(next, data);
    case 'error':
      return { ...next, error: stringOr(data.message, next.error) };
  }
}

/** The session after one WebSocket message. */
export function reduceMessage(
  live: LiveSession,
  message: StreamMessage,
  now: number = Date.now(),
): LiveSession {
  switch (message.kind) {
    case 'event':
      return reduceEvent(live, message.event, now);
    case 'history_end':
      return {
        ...live,
        historyLoaded: true,
        status: message.status ?? live.status,
        statusAt: message.status === null ? live.statusAt : now,
      };
    case 'error':
      return { ...live, error: message.message };
    case 'other':
      return live;
  }
}

/** A status reported by the REST API and when it was fetched (client clock, ms). */
export interface RestStatus {
  status: SessionStatus;
  updatedAt: number;
}

/** The session's current status: the stream's, unless the REST API reported one since. */
export function currentStatus(live: LiveSession, rest?: RestStatus): SessionStatus | null {
  if (rest !== undefined && (live.status === null || rest.updatedAt > live.statusAt)) {
    return rest.status;
  }
  return live.status;
}

/**
 * The stream has sent everything: the stream itself reported the session finished (its final state
 * event is the last one stored). A fresher REST status of an active run (resumed elsewhere) reopens it.
 */
export function isStreamFinished(live: LiveSession, rest?: RestStatus): boolean {
  if (!live.historyLoaded || live.status === null || !isFinished(live.status)) return false;
  return !(rest !== undefined && rest.updatedAt > live.statusAt && !isFinished(rest.status));
}

interface TrainingStoreState {
  sessions: Record<string, LiveSession>;
  applyMessage: (sessionId: string, message: StreamMessage) => void;
  /** The REST API changed the status (e.g. a resume queued the run again). */
  setStatus: (sessionId: string, status: SessionStatus) => void;
  forget: (sessionId: string) => void;
  clear: () => void;
}

export const useTrainingStore = create<TrainingStoreState>()((set) => ({
  sessions: {},
  applyMessage: (sessionId, message) => {
    set((state) => {
      const current = state.sessions[sessionId] ?? EMPTY_LIVE_SESSION;
      const next = reduceMessage(current, message);
      return next === current ? state : { sessions: { ...state.sessions, [sessionId]: next } };
    });
  },
  setStatus: (sessionId, status) => {
    set((state) => {
      const current = state.sessions[sessionId] ?? EMPTY_LIVE_SESSION;
      return {
        sessions: { ...state.sessions, [sessionId]: { ...current, status, statusAt: Date.now() } },
      };
    });
  },
  forget: (sessionId) => {
    set((state) => {
      if (!(sessionId in state.sessions)) return state;
      return {
        sessions: Object.fromEntries(
          Object.entries(state.sessions).filter(([key]) => key !== sessionId),
        ),
      };
    });
  },
  clear: () => {
    set({ sessions: {} });
  },
}));

/** Selector of one session's live state (a stable empty object while nothing arrived). */
export function selectLiveSession(sessionId: string | null) {
  return (state: TrainingStoreState): LiveSession =>
    (sessionId === null ? undefined : state.sessions[sessionId]) ?? EMPTY_LIVE_SESSION;
}
