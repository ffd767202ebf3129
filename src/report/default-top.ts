/** How many of the best trials get learning curves in a report; a leaf, so that the CLI can show it in --help without loading the report. */
export const DEFAULT_TOP = 5;
