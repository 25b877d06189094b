import type { RunEstimateRequest } from '@/services/training.service';

/** What the form holds that a duration estimate needs (numbers as typed). */
export interface EstimateInputs {
  datasetId: string;
  modelArch: string;
  /** As typed in the form: estimated only once they are whole numbers in range. */
  imageSize: string;
  epochs: string;
  device: string;
}

const MAX_EPOCHS = 1000;

/** "about 7 minutes" / "about 2.5 hours". */
export function formatDuration(seconds: number): string {
  const minutes = seconds / 60;
  if (minutes < 1.5) return 'about 1 minute';
  if (minutes < 90) return `about ${String(Math.round(minutes))} minutes`;
  return `about ${(minutes / 60).toFixed(1)} hours`;
}

function wholeNumber(text: string, min: number, max: number): number | null {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) && value >= min && value <= max
    ? value
    : null;
}

/** The request to estimate, or null while the form's values cannot be estimated. */
export function estimateRequest(props: EstimateInputs): RunEstimateRequest | null {
  const imageSize = wholeNumber(props.imageSize, 32, 2048);
  const epochs = wholeNumber(props.epochs, 1, MAX_EPOCHS);
  if (imageSize === null || epochs === null || props.modelArch === '') return null;
  return {
    dataset_id: props.datasetId === '' ? null : props.datasetId,
    model_arch: props.modelArch,
    image_size: imageSize,
    epochs,
    device: props.device,
  };
}
