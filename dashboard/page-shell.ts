export type PageName = 'studies' | 'study' | 'trial' | 'workers';

const TITLES: Readonly<Record<PageName, string>> = { studies: 'studies', study: 'study', trial: 'trial', workers: 'workers' };

/**
 * The HTML of a page before its script fills it: which page it is and what it shows travel as
 * data attributes, read by the page script (dashboard/browser/dashboard.ts, an ES module). The
 * chart libraries, a classic script that runs first, load only where charts are drawn.
 */
export function pageShell(page: PageName, params: Readonly<Record<string, string>>, workers: boolean): string {
  const title = [params.study, params.trial === undefined ? undefined : `trial ${params.trial}`, TITLES[page]]
    .filter((part) => part !== undefined)
    .join(' · ');
  const data = Object.entries({ page, ...params, workers: workers ? 'yes' : 'no' })
    .map(([key, value]) => ` data-${key}="${escapeHtml(value)}"`)
    .join('');
  const charts = page === 'study' || page === 'trial' ? '\n<script src="/assets/charts.js"></script>' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · sweeper</title>
<link rel="stylesheet" href="/assets/dashboard.css">${charts}
<script type="module" src="/assets/dashboard.js"></script>
</head>
<body${data}>
<header><a class="brand" href="/">sweeper</a><nav><a href="/">studies</a>${workers ? '<a href="/workers">workers</a>' : ''}</nav><span id="live" class="live" title="updates every second">live</span></header>
<main id="app"><p class="muted">loading…</p></main>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
