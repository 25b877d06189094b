import { CONFIG } from '@/pages/Training/testing/fixtures';

import { initialFormValues, toCreateRequest, validateForm } from './trainingForm';

describe('starter weights in the training form', () => {
  it('recognises the recommended starter weights and sends them back unchanged', () => {
    const recommended = { ...CONFIG, pretrained: false, weights: 'starter' };
    const values = { ...initialFormValues(recommended, 'starter'), dataset_id: 'd1' };
    expect(values.weightsMode).toBe('starter');
    expect(validateForm(values)).toEqual({});
    expect(toCreateRequest(values)).toMatchObject({ pretrained: false, weights: 'starter' });
  });

  it("treats the same value as the user's own weights when the server names no starter", () => {
    const values = initialFormValues({ ...CONFIG, pretrained: false, weights: 'starter' });
    expect(values.weightsMode).toBe('custom');
    expect(toCreateRequest({ ...values, dataset_id: 'd1' })).toMatchObject({ pretrained: true });
  });
});
