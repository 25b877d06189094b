import { ScanSearch } from 'lucide-react';

import { EmptyState } from '@/components/common/EmptyState';
import { PageHeader } from '@/components/common/PageHeader';

export default function PredictionPage() {
  return (
    <section data-testid="page-prediction">
      <PageHeader title="Prediction" description="Detect cracks in images with a trained model." />
      <EmptyState
        icon={ScanSearch}
        title="Prediction is not available yet"
        description="You will upload images here, run a trained model on them and review the crack masks, boxes and confidence scores."
        badge="Not available yet"
      />
    </section>
  );
}
