import { Boxes } from 'lucide-react';

import { EmptyState } from '@/components/common/EmptyState';
import { PageHeader } from '@/components/common/PageHeader';

export default function ModelsPage() {
  return (
    <section data-testid="page-models">
      <PageHeader title="Models" description="Trained models and their exports." />
      <EmptyState
        icon={Boxes}
        title="No models yet"
        description="Models you train will be listed here with their architecture, evaluation metrics and exported formats."
        badge="Training is not available yet"
      />
    </section>
  );
}
