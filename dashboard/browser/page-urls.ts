/** The dashboard's own addresses (see dashboard-server.ts for the routes). */

export function studyUrl(name: string): string {
  return `/studies/${encodeURIComponent(name)}`;
}

export function trialUrl(name: string, number: number | undefined): string {
  return `${studyUrl(name)}/trials/${number}`;
}

/** The JSON behind a page: /api/studies/NAME for /studies/NAME. */
export function apiUrl(path: string): string {
  return `/api${path}`;
}
