import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { DEFAULT_MONITORING_SETTINGS } from '@/services/monitoring.service';
import { HEALTHY, jsonResponse, mockFetch, renderRoute, SYSTEM_INFO } from '@/test/utils';

import { validateDraft } from './monitoringSettings';

const DRAFT = Object.fromEntries(
  Object.entries(DEFAULT_MONITORING_SETTINGS).map(([key, value]) => [key, String(value)]),
) as Parameters<typeof validateDraft>[0];

describe('validateDraft', () => {
  it('accepts the defaults', () => {
    expect(validateDraft(DRAFT)).toEqual({ settings: DEFAULT_MONITORING_SETTINGS });
  });

  it('names each problem', () => {
    const result = validateDraft({
      ...DRAFT,
      interval_s: '0.1',
      temperature_warning_c: '95',
      disk_critical_percent: 'x',
    });
    expect(result).toEqual({
      errors: {
        interval_s: 'Between 0.2 and 60 s',
        temperature_warning_c: 'The temperature warning must be below the critical threshold',
        disk_critical_percent: 'Enter a number',
      },
    });
  });
});

describe('Settings > GPU monitoring', () => {
  it('loads, validates and saves the thresholds', async () => {
    const user = userEvent.setup();
    const saved: unknown[] = [];
    const fetchMock = mockFetch({
      '/api/v1/system/health': () => jsonResponse(HEALTHY),
      '/api/v1/system/info': () => jsonResponse(SYSTEM_INFO),
      '/api/v1/settings/monitoring': () => jsonResponse(DEFAULT_MONITORING_SETTINGS),
    });
    renderRoute('/settings');
    const warning = await screen.findByLabelText('Temperature warning (°C)');
    expect(warning).toHaveValue(80);

    await user.clear(warning);
    await user.type(warning, '95');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      screen.getByText('The temperature warning must be below the critical threshold'),
    ).toBeInTheDocument();

    await user.clear(warning);
    await user.type(warning, '75');
    fetchMock.mockImplementation(async (input) => {
      const request = input as Request;
      if (request.method === 'PUT') {
        const body: unknown = await request.json();
        saved.push(body);
        return jsonResponse(body);
      }
      return jsonResponse(DEFAULT_MONITORING_SETTINGS);
    });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => {
      expect(saved).toEqual([{ ...DEFAULT_MONITORING_SETTINGS, temperature_warning_c: 75 }]);
    });
    expect(await screen.findByText('Monitoring settings saved')).toBeInTheDocument();
  });
});
