import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { SessionStatus } from '@/services/training.service';
import { useTrainingStore } from '@/store/trainingStore';
import { FakeWebSocket } from '@/test/FakeWebSocket';
import { jsonResponse, renderRoute } from '@/test/utils';

import {
  detail,
  event,
  historyEnd,
  logEvent,
  metricsEvent,
  mockApi,
  page,
  progressEvent,
  requestsOf,
  SESSION_ID,
  stateEvent,
  summary,
} from '../testing/fixtures';

const SESSION_PATH = `/api/v1/training/sessions/${SESSION_ID}`;

/** The layout opens its own sockets (GPU, notifications): only the training ones matter here. */
function trainingSockets(): FakeWebSocket[] {
  return FakeWebSocket.instances.filter((socket) => socket.url.includes('/ws/training/'));
}

function latestTrainingSocket(): FakeWebSocket {
  const socket = trainingSockets().at(-1);
  if (socket === undefined) throw new Error('No training WebSocket was opened');
  return socket;
}

function lossChart(): HTMLElement {
  return screen.getByTestId('loss-chart');
}

function send(socket: FakeWebSocket, ...messages: string[]): void {
  act(() => {
    for (const message of messages) socket.receive(message);
  });
}

/** The session as the REST API reports it; tests change it as the run moves on. */
const server = { status: 'running' as SessionStatus };

async function openMonitor(status: SessionStatus = 'running') {
  server.status = status;
  const fetchMock = mockApi({
    'GET /api/v1/training/sessions': () => jsonResponse(page([summary({ status: server.status })])),
    [`GET ${SESSION_PATH}`]: () =>
      jsonResponse(detail({ status: server.status, resumable: server.status === 'stopped' })),
    [`GET ${SESSION_PATH}/checkpoints`]: () => jsonResponse([]),
  });
  const rendered = renderRoute(`/training/active/${SESSION_ID}`);
  await screen.findByTestId('session-monitor', {}, { timeout: 5_000 });
  const socket = latestTrainingSocket();
  act(() => {
    socket.open();
  });
  return { ...rendered, fetchMock, socket };
}

// Whole pages with charts render slowly in jsdom on a busy machine.
describe('Active training view', { timeout: 30_000 }, () => {
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    useTrainingStore.getState().clear();
  });

  it('connects to the session stream and adds a chart point per training_metrics message', async () => {
    const { socket } = await openMonitor();
    expect(socket.url).toBe(`ws://${window.location.host}/ws/training/${SESSION_ID}`);
    expect(lossChart()).toHaveAttribute('data-points', '0');

    send(socket, stateEvent(1, 'running'), historyEnd(1, 'running'));
    send(socket, metricsEvent(2, 1, 3.5));
    expect(lossChart()).toHaveAttribute('data-points', '1');
    expect(screen.getByTestId('map-chart')).toHaveAttribute('data-points', '1');
    expect(screen.getByTestId('card-train-loss')).toHaveTextContent('3.500');

    send(socket, metricsEvent(3, 2, 2.25));
    expect(lossChart()).toHaveAttribute('data-points', '2');
    expect(screen.getByTestId('card-train-loss')).toHaveTextContent('2.250');
    expect(screen.getByTestId('card-epoch')).toHaveTextContent('2 / 3');
    expect(screen.getByTestId('card-best-map')).toHaveTextContent('0.200');
  });

  it('updates the progress bar, batch and epoch counts and the ETA', async () => {
    const { socket } = await openMonitor();
    send(socket, progressEvent(1, 1, 6, 16.67, 125));
    expect(screen.getByRole('progressbar', { name: 'Training progress' })).toHaveAttribute(
      'aria-valuenow',
      '16.7',
    );
    expect(screen.getByTestId('progress-batch')).toHaveTextContent('6 / 12');
    expect(screen.getByTestId('progress-epoch')).toHaveTextContent('1 / 3');
    expect(screen.getByTestId('progress-eta')).toHaveTextContent('2m 5s');

    send(socket, progressEvent(2, 2, 12, 66.67, 9));
    expect(screen.getByTestId('progress-percent')).toHaveTextContent('66.7%');
    expect(screen.getByTestId('progress-epoch')).toHaveTextContent('2 / 3');
    expect(screen.getByTestId('progress-eta')).toHaveTextContent('9s');
  });

  it('appends log lines to the console', async () => {
    const { socket } = await openMonitor();
    const console = screen.getByRole('log', { name: 'Training log' });
    expect(console).toHaveTextContent('No log lines yet');
    send(socket, logEvent(1, 'Training 3 epochs of 12 batches'));
    send(socket, logEvent(2, 'CUDA out of memory', 'error'));
    expect(within(console).getByText('Training 3 epochs of 12 batches')).toBeInTheDocument();
    expect(within(console).getByText('CUDA out of memory')).toHaveClass('text-red-400');
  });

  it('reconnects after the last event it has and ignores events it already has', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { socket } = await openMonitor();
      send(socket, metricsEvent(1, 1, 3), logEvent(2, 'epoch 1 done'), historyEnd(2, 'running'));
      send(socket, metricsEvent(3, 2, 2));
      expect(lossChart()).toHaveAttribute('data-points', '2');

      act(() => {
        socket.serverClose();
      });
      await waitFor(() => {
        expect(trainingSockets()).toHaveLength(2);
      });
      const second = latestTrainingSocket();
      expect(second.url).toBe(`ws://${window.location.host}/ws/training/${SESSION_ID}?after=3`);
      act(() => {
        second.open();
      });
      // A server that replays too much: nothing is added twice.
      send(second, metricsEvent(1, 1, 3), logEvent(2, 'epoch 1 done'), metricsEvent(3, 2, 2));
      send(second, historyEnd(3, 'running'), metricsEvent(4, 3, 1));
      expect(lossChart()).toHaveAttribute('data-points', '3');
      expect(screen.getAllByText('epoch 1 done')).toHaveLength(1);
      expect(useTrainingStore.getState().sessions[SESSION_ID]?.epochs.map((e) => e.epoch)).toEqual([
        1, 2, 3,
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('replays a history with a stop and a resume in full, then follows the run live', async () => {
    const { socket } = await openMonitor();
    send(
      socket,
      metricsEvent(1, 1, 3),
      stateEvent(2, 'stopped', 'Stopped after epoch 1/3'),
      stateEvent(3, 'queued', 'Resume requested'),
      stateEvent(4, 'running', 'Resumed'),
      metricsEvent(5, 2, 2),
      historyEnd(5, 'running'),
    );
    expect(lossChart()).toHaveAttribute('data-points', '2');
    expect(socket.closedByClient).toBe(false);
    send(socket, metricsEvent(6, 3, 1));
    expect(lossChart()).toHaveAttribute('data-points', '3');
  });

  it('stays closed once the server ends the stream of a finished session', async () => {
    const { socket } = await openMonitor();
    send(socket, historyEnd(0, 'running'));
    server.status = 'completed';
    send(
      socket,
      metricsEvent(1, 1, 3),
      event(2, 'training_complete', { best_map: 0.42, best_epoch: 1, model_id: 'm'.repeat(32) }),
      stateEvent(3, 'completed', 'Training completed'),
    );
    act(() => {
      socket.serverClose();
    });
    expect(screen.getAllByTestId('training-status')[0]).toHaveAttribute('data-status', 'completed');
    expect(screen.getByText(/Completed\. Best mask mAP50-95/)).toHaveTextContent('0.420');
    expect(screen.getByRole('link', { name: 'Open the registered model' })).toHaveAttribute(
      'href',
      `/models/${'m'.repeat(32)}`,
    );
    await waitFor(() => {
      expect(screen.queryByTestId('stream-status')).not.toBeInTheDocument();
    });
    await new Promise((resolve) => setTimeout(resolve, 700)); // past the first reconnect delay
    expect(trainingSockets()).toHaveLength(1);
  });

  it('stop calls the API', async () => {
    const { fetchMock } = await openMonitor();
    mockApiOnce(fetchMock, `POST ${SESSION_PATH}/stop`, detail({ stop_requested: true }));
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));
    await waitFor(() => {
      expect(requestsOf(fetchMock)).toContain(`POST ${SESSION_PATH}/stop`);
    });
    expect(await screen.findByRole('button', { name: 'Stopping…' })).toBeDisabled();
  });

  it('resume calls the API and reopens the stream after the last event', async () => {
    const { fetchMock, socket, queryClient } = await openMonitor('stopped');
    send(
      socket,
      metricsEvent(1, 1, 3),
      stateEvent(2, 'stopped', 'Stopped after epoch 1/3'),
      historyEnd(2, 'stopped'),
    );
    act(() => {
      socket.serverClose();
    });
    expect(screen.getByText('Stopped after epoch 1/3')).toBeInTheDocument();

    mockApiOnce(fetchMock, `POST ${SESSION_PATH}/resume`, detail({ status: 'queued' }));
    expect(trainingSockets()).toHaveLength(1);
    // The stop event refreshes the session; let that answer arrive before the server moves on.
    await waitFor(() => {
      expect(queryClient.isFetching()).toBe(0);
    });
    server.status = 'queued';
    await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => {
      expect(requestsOf(fetchMock)).toContain(`POST ${SESSION_PATH}/resume`);
    });
    await waitFor(() => {
      expect(trainingSockets()).toHaveLength(2);
    });
    expect(latestTrainingSocket().url).toMatch(/\?after=2$/);
  });

  it('cancel is offered for a queued run', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/training/sessions': () =>
        jsonResponse(page([summary({ status: 'running', id: 'c'.repeat(32) })])),
      [`GET ${SESSION_PATH}`]: () => jsonResponse(detail({ status: 'queued', queue_position: 2 })),
      [`GET ${SESSION_PATH}/checkpoints`]: () => jsonResponse([]),
      [`POST ${SESSION_PATH}/cancel`]: () => jsonResponse(detail({ status: 'cancelled' })),
    });
    renderRoute(`/training/active/${SESSION_ID}`);
    expect(await screen.findByTestId('queue-notice')).toHaveTextContent('Queued behind 2 runs');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => {
      expect(requestsOf(fetchMock)).toContain(`POST ${SESSION_PATH}/cancel`);
    });
  });

  it('without a session id it opens the running session', async () => {
    mockApi({
      'GET /api/v1/training/sessions': () =>
        jsonResponse(page([summary({ status: 'queued', id: 'c'.repeat(32) }), summary()])),
      [`GET ${SESSION_PATH}`]: () => jsonResponse(detail()),
      [`GET ${SESSION_PATH}/checkpoints`]: () => jsonResponse([]),
    });
    const { router } = renderRoute('/training/active');
    expect(await screen.findByTestId('session-monitor')).toHaveAttribute(
      'data-session-id',
      SESSION_ID,
    );
    expect(router.state.location.pathname).toBe(`/training/active/${SESSION_ID}`);
  });

  it('says so when nothing is running', async () => {
    mockApi({ 'GET /api/v1/training/sessions': () => jsonResponse(page([])) });
    renderRoute('/training/active');
    expect(
      await screen.findByRole('heading', { name: 'No active training run' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Start a new run' })).toHaveAttribute(
      'href',
      '/training/new',
    );
  });
});

/** Adds a handler to a running fetch mock for one more route. */
function mockApiOnce(fetchMock: ReturnType<typeof mockApi>, route: string, body: unknown): void {
  const previous = fetchMock.getMockImplementation();
  fetchMock.mockImplementation((input, init) => {
    const request = input as Request;
    const key = `${request.method} ${new URL(request.url).pathname}`;
    if (key === route) return Promise.resolve(jsonResponse(body));
    return previous ? previous(input, init) : Promise.reject(new TypeError('Failed to fetch'));
  });
}
