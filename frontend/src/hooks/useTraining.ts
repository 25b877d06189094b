import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';

import { useWebSocket, type WebSocketStatus } from '@/hooks/useWebSocket';
import {
  controlSession,
  createSession,
  deleteSession,
  fetchArchitectures,
  fetchCheckpoints,
  fetchComparison,
  fetchReadyDatasets,
  fetchSession,
  fetchSessions,
  fetchStartingWeightModels,
  fetchTrainingDefaults,
  trainingSocketPath,
  type SessionAction,
  type SessionFilters,
  type TrainingSessionCreate,
  type TrainingSessionDetail,
} from '@/services/training.service';
import {
  isStreamFinished,
  parseStreamMessage,
  selectLiveSession,
  useTrainingStore,
  type LiveSession,
  type RestStatus,
  type StreamMessage,
} from '@/store/trainingStore';

/** While a run is active its summary changes often; poll lists and details at this pace. */
export const ACTIVE_POLL_INTERVAL_MS = 3_000;

export const trainingKeys = {
  all: ['training'] as const,
  architectures: ['training', 'architectures'] as const,
  defaults: ['training', 'defaults'] as const,
  datasets: ['training', 'datasets'] as const,
  weightModels: ['training', 'weight-models'] as const,
  sessions: (filters: SessionFilters) => ['training', 'sessions', filters] as const,
  session: (sessionId: string) => ['training', 'session', sessionId] as const,
  checkpoints: (sessionId: string, version: number) =>
    ['training', 'checkpoints', sessionId, version] as const,
  compare: (sessionIds: readonly string[]) => ['training', 'compare', [...sessionIds]] as const,
};

export function useArchitectures() {
  return useQuery({
    queryKey: trainingKeys.architectures,
    queryFn: ({ signal }) => fetchArchitectures(signal),
    staleTime: Infinity,
  });
}

/** The catalogue's label of each model series ('yolov8' -> 'YOLOv8'), empty while loading. */
export function useSeriesLabels(): Readonly<Record<string, string>> {
  const items = useArchitectures().data?.items;
  return useMemo(
    () => Object.fromEntries((items ?? []).map((arch) => [arch.family, arch.family_label])),
    [items],
  );
}

/** The model families' metadata (undefined while loading or when the API lists none). */
export function useFamilies() {
  return useArchitectures().data?.families;
}

export function useTrainingDefaults() {
  return useQuery({
    queryKey: trainingKeys.defaults,
    queryFn: ({ signal }) => fetchTrainingDefaults(signal),
    staleTime: 60_000,
  });
}

export function useReadyDatasets() {
  return useQuery({
    queryKey: trainingKeys.datasets,
    queryFn: ({ signal }) => fetchReadyDatasets(signal),
  });
}

/** The user's registered models of the chosen family, for the starting weights. */
export function useStartingWeightModels(enabled: boolean, framework: string | undefined) {
  return useQuery({
    queryKey: [...trainingKeys.weightModels, framework ?? ''],
    queryFn: ({ signal }) => fetchStartingWeightModels(signal, framework),
    enabled,
    retry: false,
  });
}

/** Sessions matching `filters`; polled while any listed session is queued or running. */
export function useTrainingSessions(filters: SessionFilters = {}) {
  return useQuery({
    queryKey: trainingKeys.sessions(filters),
    queryFn: ({ signal }) => fetchSessions(filters, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.items.some((s) => s.status === 'queued' || s.status === 'running')
        ? ACTIVE_POLL_INTERVAL_MS
        : false,
  });
}

export function useTrainingSession(
  sessionId: string | null,
): UseQueryResult<TrainingSessionDetail> {
  return useQuery({
    queryKey: trainingKeys.session(sessionId ?? ''),
    queryFn: ({ signal }) => fetchSession(sessionId ?? '', signal),
    enabled: sessionId !== null,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'queued' || status === 'running' ? ACTIVE_POLL_INTERVAL_MS : false;
    },
  });
}

export function useCheckpoints(sessionId: string | null, version: number) {
  return useQuery({
    queryKey: trainingKeys.checkpoints(sessionId ?? '', version),
    queryFn: ({ signal }) => fetchCheckpoints(sessionId ?? '', signal),
    enabled: sessionId !== null,
    placeholderData: keepPreviousData,
  });
}

export function useComparison(sessionIds: readonly string[]) {
  return useQuery({
    queryKey: trainingKeys.compare(sessionIds),
    queryFn: ({ signal }) => fetchComparison(sessionIds, signal),
    enabled: sessionIds.length >= 2,
  });
}

export function useCreateSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TrainingSessionCreate) => createSession(body),
    onSuccess: (session) => {
      queryClient.setQueryData(trainingKeys.session(session.id), session);
      void queryClient.invalidateQueries({ queryKey: ['training', 'sessions'] });
    },
  });
}

/** Stop, resume or cancel a session; the live stream reopens when a run is queued again. */
export function useSessionControl() {
  const queryClient = useQueryClient();
  const setStatus = useTrainingStore((state) => state.setStatus);
  return useMutation({
    mutationFn: ({ sessionId, action }: { sessionId: string; action: SessionAction }) =>
      controlSession(sessionId, action),
    onSuccess: (session, { action }) => {
      queryClient.setQueryData(trainingKeys.session(session.id), session);
      if (action === 'resume') setStatus(session.id, session.status);
      void queryClient.invalidateQueries({ queryKey: ['training', 'sessions'] });
    },
  });
}

export function useDeleteSession() {
  const queryClient = useQueryClient();
  const forget = useTrainingStore((state) => state.forget);
  return useMutation({
    mutationFn: (sessionId: string) => deleteSession(sessionId),
    onSuccess: (_result, sessionId) => {
      forget(sessionId);
      queryClient.removeQueries({ queryKey: trainingKeys.session(sessionId) });
      void queryClient.invalidateQueries({ queryKey: ['training', 'sessions'] });
      void queryClient.invalidateQueries({ queryKey: ['training', 'compare'] });
    },
  });
}

export interface TrainingStream {
  live: LiveSession;
  connection: WebSocketStatus;
}

interface StreamConnection {
  sessionId: string | null;
  /** Events after this id are asked for; fixed while a connection is open. */
  after: number;
  /** The session is finished and the server closed the stream: stay closed. */
  paused: boolean;
}

/** The next connection's settings once the current one is not open (dropped, closed, not yet up). */
function nextConnection(
  current: StreamConnection,
  status: WebSocketStatus,
  lastEventId: number,
  finished: boolean,
): StreamConnection {
  if (status === 'open') return current;
  if (current.after === lastEventId && current.paused === finished) return current;
  return { ...current, after: lastEventId, paused: finished };
}

/**
 * Streams a session's events into the training store: its history first, then live events.
 *
 * Each connection asks only for the events after the last one the store holds (`?after=<id>`), so
 * a reconnect neither misses nor repeats anything (and the store ignores any duplicate anyway).
 * The server closes the stream once a finished session has sent everything; it then stays closed
 * until the session is queued again (a resume here, or a fresher REST status `rest` saying so).
 */
export function useTrainingStream(sessionId: string | null, rest?: RestStatus): TrainingStream {
  const live = useTrainingStore(selectLiveSession(sessionId));
  const applyMessage = useTrainingStore((state) => state.applyMessage);
  const queryClient = useQueryClient();
  const finished = isStreamFinished(live, rest);

  const [connection, setConnection] = useState<StreamConnection>({
    sessionId,
    after: live.lastEventId,
    paused: finished,
  });
  const current: StreamConnection =
    connection.sessionId === sessionId
      ? connection
      : { sessionId, after: live.lastEventId, paused: finished };
  const path = sessionId === null ? null : trainingSocketPath(sessionId, current.after);

  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (sessionId === null) return;
      applyMessage(sessionId, message);
      if (message.kind === 'event' && message.event.type === 'training_state') {
        // Status, queue position and "resumable" come from the REST detail: refresh it.
        void queryClient.invalidateQueries({ queryKey: trainingKeys.session(sessionId) });
        void queryClient.invalidateQueries({ queryKey: ['training', 'sessions'] });
      }
    },
    [applyMessage, queryClient, sessionId],
  );

  const socket = useWebSocket<StreamMessage>(path, {
    enabled: !current.paused,
    onMessage,
    parse: parseStreamMessage,
  });

  // Adjusting state while rendering (React re-renders at once, before any effect runs): between
  // connections the next one starts after the last event held, or stays closed when finished.
  const next = nextConnection(current, socket.status, live.lastEventId, finished);
  if (next !== connection) setConnection(next);

  return { live, connection: socket.status };
}
