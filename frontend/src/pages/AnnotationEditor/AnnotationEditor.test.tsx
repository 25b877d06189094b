import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { makeDetail, stubApi, type RouteHandler } from '@/components/datasets/testing';
import type { ImageAnnotations } from '@/services/annotations.service';
import { useEditorStore } from '@/store/editorStore';
import { jsonResponse, renderRoute } from '@/test/utils';

const PATH = '/api/v1/datasets/ds1/images/img-1/annotations';

function annotations(overrides: Partial<ImageAnnotations> = {}): ImageAnnotations {
  return {
    image_id: 'img-1',
    dataset_id: 'ds1',
    split: 'train',
    file_name: 'wall.jpg',
    width: 6000,
    height: 4000,
    etag: '"e1"',
    version: 1,
    reviewed: false,
    class_names: ['crack', 'spall'],
    instances: [
      {
        id: 'i1',
        class_id: 0,
        polygon: [
          [100, 100],
          [900, 100],
          [900, 300],
        ],
        rle: null,
        source: 'predicted',
        score: 0.31,
        reviewed: false,
      },
    ],
    ...overrides,
  };
}

function withEtag(body: ImageAnnotations, status = 200): Response {
  const response = jsonResponse(body, status);
  response.headers.set('ETag', body.etag);
  return response;
}

async function openEditor(routes: Record<string, RouteHandler> = {}, query = '') {
  const api = stubApi({
    'GET /api/v1/datasets/ds1': () => jsonResponse(makeDetail()),
    [`GET ${PATH}`]: () => withEtag(annotations()),
    ...routes,
  });
  const user = userEvent.setup();
  const view = renderRoute(`/datasets/ds1/images/img-1/edit${query}`);
  await screen.findByRole('heading', { level: 1, name: 'wall.jpg' });
  return { api, user, ...view };
}

/** What three clicks of the polygon tool do (the canvas has no 2D context in jsdom). */
function drawTriangle() {
  act(() => {
    const store = useEditorStore.getState();
    store.setTool('polygon');
    store.addDraftPoint([1000, 1000]);
    store.addDraftPoint([2000, 1000]);
    store.addDraftPoint([2000, 1800]);
  });
}

describe('annotation editor page', { timeout: 20_000 }, () => {
  it('lists the instances, switches tools by key and closes a polygon with Enter', async () => {
    const { user } = await openEditor();
    expect(screen.getByText('6000 × 4000 px · 1 instance', { exact: false })).toBeInTheDocument();
    expect(screen.getAllByTestId('editor-instance')).toHaveLength(1);
    expect(screen.getByText(/predicted · 0\.31/)).toBeInTheDocument();

    await user.keyboard('p');
    expect(screen.getByRole('button', { name: 'Polygon' })).toHaveAttribute('aria-pressed', 'true');
    drawTriangle();
    await user.keyboard('{Enter}');
    await waitFor(() => {
      expect(screen.getAllByTestId('editor-instance')).toHaveLength(2);
    });
    expect(screen.getByText('Unsaved changes')).toBeInTheDocument();

    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => {
      expect(screen.getAllByTestId('editor-instance')).toHaveLength(1);
    });
    await user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    await waitFor(() => {
      expect(screen.getAllByTestId('editor-instance')).toHaveLength(2);
    });
  });

  it('changes a class and saves with If-Match, then holds the new ETag', async () => {
    const saved = annotations({ etag: '"e2"', version: 2 });
    let ifMatch: string | null = null;
    const { user, api } = await openEditor({
      [`PUT ${PATH}`]: (request) => {
        ifMatch = request.headers.get('If-Match');
        return withEtag({ ...saved, instances: [{ ...saved.instances[0]!, class_id: 1 }] });
      },
    });
    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Class of instance 1' }),
      'spall',
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved.');
    expect(ifMatch).toBe('"e1"');
    const body = api.bodies.at(-1) as { instances: { class_id: number; id: string }[] };
    expect(body.instances).toEqual([expect.objectContaining({ id: 'i1', class_id: 1 })]);
    expect(useEditorStore.getState().etag).toBe('"e2"');
    expect(screen.queryByText('Unsaved changes')).not.toBeInTheDocument();
  });

  it('shows the saved state on a 409 and reloads it only when asked', async () => {
    const theirs = annotations({
      etag: '"e9"',
      version: 5,
      reviewed: true,
      instances: [
        { ...annotations().instances[0]!, id: 'i1', reviewed: true },
        { ...annotations().instances[0]!, id: 'i2', class_id: 1, source: 'drawn', score: null },
      ],
    });
    const { user } = await openEditor({
      [`PUT ${PATH}`]: () => jsonResponse({ detail: 'The image changed', current: theirs }, 409),
    });
    drawTriangle();
    await user.keyboard('{Enter}');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const dialog = await screen.findByTestId('annotation-conflict');
    expect(dialog).toHaveTextContent('Saved now (version 5)');
    expect(dialog).toHaveTextContent('2 instances (1 crack, 1 spall) · reviewed');
    // keeping my edits changes nothing
    await user.click(within(dialog).getByRole('button', { name: 'Keep my edits' }));
    expect(useEditorStore.getState().instances).toHaveLength(2);
    expect(useEditorStore.getState().etag).toBe('"e1"');

    await user.click(screen.getByRole('button', { name: 'Save' }));
    await user.click(await screen.findByRole('button', { name: 'Reload the saved state' }));
    await waitFor(() => {
      expect(useEditorStore.getState().etag).toBe('"e9"');
    });
    expect(useEditorStore.getState().instances.map((item) => item.id)).toEqual(['i1', 'i2']);
  });

  it('from the review queue, saving accepts the image and goes back to the queue', async () => {
    const { user, api, router } = await openEditor(
      {
        [`PUT ${PATH}`]: () => withEtag(annotations({ etag: '"e2"', reviewed: true })),
        'GET /api/v1/datasets/ds1/review-queue': () =>
          jsonResponse({
            dataset_id: 'ds1',
            items: [],
            total: 1,
            unreviewed: 0,
            reviewed: 1,
            limit: 100,
          }),
      },
      '?from=review',
    );
    expect(screen.getByRole('link', { name: 'Review queue' })).toHaveAttribute(
      'href',
      '/datasets/ds1/review',
    );
    await user.click(screen.getByRole('button', { name: 'Save and accept' }));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/datasets/ds1/review');
    });
    expect(api.bodies.at(-1)).toMatchObject({ reviewed: true });
  });

  it('asks before leaving with unsaved edits', async () => {
    const { user, router } = await openEditor();
    drawTriangle();
    await user.keyboard('{Enter}');
    await user.click(screen.getByRole('link', { name: 'Concrete cracks' }));
    const dialog = await screen.findByRole('dialog', { name: 'Leave without saving?' });
    await user.click(within(dialog).getByRole('button', { name: 'Stay' }));
    expect(router.state.location.pathname).toBe('/datasets/ds1/images/img-1/edit');
    expect(screen.getAllByTestId('editor-instance')).toHaveLength(2);

    await user.click(screen.getByRole('link', { name: 'Concrete cracks' }));
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Leave and drop my changes',
      }),
    );
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/datasets/ds1');
    });
  });

  it('names the refused field of a 422', async () => {
    const { user } = await openEditor({
      [`PUT ${PATH}`]: () =>
        jsonResponse(
          {
            detail: 'Invalid annotations',
            errors: [{ field: 'instances.0.polygon', message: 'point outside the image' }],
          },
          422,
        ),
    });
    await user.click(await screen.findByRole('checkbox', { name: 'Reviewed' }));
    await user.click(await screen.findByRole('button', { name: 'Save' }));
    expect(
      await screen.findByText('instances.0.polygon: point outside the image'),
    ).toBeInTheDocument();
  });
});
