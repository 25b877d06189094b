import type { TrainingEvent } from '@/services/training.service';

import {
  currentStatus,
  EMPTY_LIVE_SESSION,
  isStreamFinished,
  MAX_LOG_LINES,
  parseStreamMessage,
  reduceEvent,
  reduceMessage,
  useTrainingStore,
  type LiveSession,
} from './trainingStore';

const SESSION = 'a'.repeat(32);

function stored(id: number, type: TrainingEvent['type'], data: Record<string, unknown>) {
  return { id, type, session_id: SESSION, timestamp: '2026-11-26T10:00:00Z', data };
}

function applyAll(events: TrainingEvent[], start: LiveSession = EMPTY_LIVE_SESSION): LiveSession {
  return events.reduce(reduceEvent, start);
}

describe('parseStreamMessage', () => {
  it('narrows stored events, history_end and control errors', () => {
    expect(parseStreamMessage({ ...stored(4, 'training_log', { message: 'hi' }) })).toEqual({
      kind: 'event',
      event: stored(4, 'training_log', { message: 'hi' }),
    });
    expect(
      parseStreamMessage({ type: 'history_end', last_event_id: 9, status: 'running' }),
    ).toEqual({ kind: 'history_end', lastEventId: 9, status: 'running' });
    expect(parseStreamMessage({ type: 'error', message: 'gone', code: 'not_found' })).toEqual({
      kind: 'error',
      message: 'gone',
      code: 'not_found',
    });
    expect(parseStreamMessage({ type: 'pong' })).toEqual({ kind: 'other', type: 'pong' });
  });

  it('drops what is not a message', () => {
    expect(parseStreamMessage(null)).toBeNull();
    expect(parseStreamMessage([1, 2])).toBeNull();
    expect(parseStreamMessage({ id: 3 })).toBeNull();
  });

  it('treats an unknown stored event type as a control message, and bad data as empty', () => {
    expect(parseStreamMessage({ id: 1, type: 'surprise' })).toEqual({
      kind: 'other',
      type: 'surprise',
    });
    const parsed = parseStreamMessage({ id: 1, type: 'training_log', data: 'oops' });
    expect(parsed).toMatchObject({ kind: 'event', event: { data: {} } });
  });
});

describe('reduceEvent', () => {
  it('adds one point per epoch, in epoch order, replacing a re-reported epoch', () => {
    const live = applyAll([
      stored(1, 'training_metrics', { epoch: 2, metrics: { train_loss: 2 }, is_best: true }),
      stored(2, 'training_metrics', { epoch: 1, metrics: { train_loss: 3 } }),
      stored(3, 'training_metrics', { epoch: 2, metrics: { train_loss: 1.5 }, is_best: false }),
    ]);
    expect(live.epochs.map((point) => [point.epoch, point.metrics.train_loss])).toEqual([
      [1, 3],
      [2, 1.5],
    ]);
    expect(live.lastEventId).toBe(3);
  });

  it('fills metrics from the event summary when the flat dict lacks them', () => {
    const live = applyAll([
      stored(1, 'training_metrics', { epoch: 1, train_loss: 4, val_map: 0.3, learning_rate: 0.01 }),
    ]);
    expect(live.epochs[0]?.metrics).toEqual({ train_loss: 4, mask_map50_95: 0.3, lr: 0.01 });
  });

  it('ignores an event at or below the last id (a duplicate after a reconnect)', () => {
    const once = applyAll([
      stored(5, 'training_metrics', { epoch: 1, metrics: { train_loss: 3 } }),
      stored(6, 'training_log', { message: 'epoch 1' }),
    ]);
    const twice = applyAll(
      [
        stored(5, 'training_metrics', { epoch: 1, metrics: { train_loss: 9 } }),
        stored(6, 'training_log', { message: 'epoch 1' }),
      ],
      once,
    );
    expect(twice).toBe(once);
  });

  it('keeps the latest progress and the last log lines only', () => {
    const logs = Array.from({ length: MAX_LOG_LINES + 5 }, (_, index) =>
      stored(index + 1, 'training_log', { message: `line ${index + 1}`, level: 'info' }),
    );
    const live = applyAll([
      ...logs,
      stored(MAX_LOG_LINES + 6, 'training_progress', {
        current_epoch: 2,
        total_epochs: 5,
        current_batch: 3,
        total_batches: 10,
        progress_percent: 26,
        estimated_time_remaining: 61.5,
        elapsed: 20,
        losses: { box: 1.5, seg: 'bad' },
      }),
    ]);
    expect(live.logs).toHaveLength(MAX_LOG_LINES);
    expect(live.logs[0]?.message).toBe('line 6');
    expect(live.progress).toEqual({
      epoch: 2,
      totalEpochs: 5,
      batch: 3,
      totalBatches: 10,
      percent: 26,
      etaSeconds: 61.5,
      elapsedSeconds: 20,
      losses: { box: 1.5 },
    });
  });

  it('follows the state: a failure keeps its message, a resume clears the outcome', () => {
    const failed = applyAll([
      stored(1, 'training_state', { status: 'running' }),
      stored(2, 'training_state', { status: 'failed', message: 'CUDA out of memory' }),
    ]);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('CUDA out of memory');
    const resumed = reduceEvent(failed, stored(3, 'training_state', { status: 'queued' }));
    expect(resumed.error).toBeNull();
    expect(resumed.status).toBe('queued');
  });

  it('records the completion and counts checkpoints', () => {
    const live = applyAll([
      stored(1, 'checkpoint_saved', { epoch: 1 }),
      stored(2, 'checkpoint_saved', { epoch: 2 }),
      stored(3, 'training_complete', { best_map: 0.5, best_epoch: 2, model_id: 'm1' }),
    ]);
    expect(live.checkpointVersion).toBe(2);
    expect(live.completion).toEqual({ bestMap: 0.5, bestEpoch: 2, modelId: 'm1' });
  });
});

describe('reduceMessage and the store', () => {
  beforeEach(() => {
    useTrainingStore.getState().clear();
  });

  it('is finished once the stream itself reported a finished session after its history', () => {
    const stopped = reduceEvent(
      EMPTY_LIVE_SESSION,
      stored(1, 'training_state', { status: 'stopped' }),
      1_000,
    );
    // Mid-replay a stop is not the end: a resume may follow.
    expect(isStreamFinished(stopped)).toBe(false);
    const live = reduceMessage(
      stopped,
      { kind: 'history_end', lastEventId: 1, status: 'stopped' },
      2_000,
    );
    expect(live.historyLoaded).toBe(true);
    expect(isStreamFinished(live)).toBe(true);
    expect(currentStatus(live)).toBe('stopped');
    // The REST API reports a resume made elsewhere: the fresher status wins and the stream reopens.
    expect(isStreamFinished(live, { status: 'queued', updatedAt: 3_000 })).toBe(false);
    expect(currentStatus(live, { status: 'queued', updatedAt: 3_000 })).toBe('queued');
    // An older REST answer does not.
    expect(isStreamFinished(live, { status: 'running', updatedAt: 1_500 })).toBe(true);
    expect(currentStatus(live, { status: 'running', updatedAt: 1_500 })).toBe('stopped');
  });

  it('keeps sessions apart and forgets a deleted one', () => {
    const store = useTrainingStore.getState();
    store.applyMessage('one', {
      kind: 'event',
      event: stored(1, 'training_log', { message: 'a' }),
    });
    store.applyMessage('two', {
      kind: 'event',
      event: stored(1, 'training_log', { message: 'b' }),
    });
    store.setStatus('two', 'queued');
    expect(useTrainingStore.getState().sessions.one?.logs.map((l) => l.message)).toEqual(['a']);
    expect(useTrainingStore.getState().sessions.two?.status).toBe('queued');
    store.forget('one');
    expect(Object.keys(useTrainingStore.getState().sessions)).toEqual(['two']);
  });
});
