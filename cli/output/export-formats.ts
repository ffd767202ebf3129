/** What `sweeper export --format` writes; a leaf, so that defining the command loads nothing else. */
export const EXPORT_FORMATS = ['csv', 'json', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
