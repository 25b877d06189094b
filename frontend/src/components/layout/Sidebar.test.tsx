import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockHealthyBackend, renderRoute } from '@/test/utils';

import { NAV_ITEMS } from './navigation';

describe('Sidebar', () => {
  beforeEach(() => {
    mockHealthyBackend();
  });

  it('links to every section', () => {
    renderRoute('/');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual([
      'Dashboard',
      'Training',
      'Prediction',
      'Inspections',
      'Datasets',
      'Models',
      'Settings',
    ]);
    for (const item of NAV_ITEMS) {
      expect(within(nav).getByRole('link', { name: item.label })).toHaveAttribute('href', item.to);
    }
  });

  it('highlights only the current section, including on nested routes', async () => {
    renderRoute('/training/history');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(await within(nav).findByRole('link', { name: 'Training' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    expect(within(nav).getByRole('link', { name: 'Dashboard' })).not.toHaveAttribute(
      'aria-current',
    );
  });

  it('navigates when a link is clicked', async () => {
    const { router } = renderRoute('/');
    await userEvent.click(screen.getByRole('link', { name: 'Datasets' }));
    expect(router.state.location.pathname).toBe('/datasets');
    expect(await screen.findByRole('heading', { level: 1, name: 'Datasets' })).toBeInTheDocument();
  });

  it('collapses to icons that keep their accessible names', async () => {
    renderRoute('/');
    await userEvent.click(screen.getByRole('button', { name: 'Collapse sidebar' }));
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByText('Models')).not.toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'Models' })).toHaveAttribute('href', '/models');
    expect(screen.getByRole('button', { name: 'Expand sidebar' })).toBeInTheDocument();
  });
});
