/** Distinct colours for up to 10 models (the comparison limit). */
export const MODEL_COLORS = [
  '#0284c7',
  '#ea580c',
  '#059669',
  '#7c3aed',
  '#db2777',
  '#ca8a04',
  '#0891b2',
  '#4f46e5',
  '#65a30d',
  '#dc2626',
];
