import { h } from './element.js';
import { app, live } from './page-frame.js';
import { apiUrl } from './page-urls.js';

const POLL_MS = 1000;

export interface Poller {
  /** Fetches at once, forgetting the last answer's ETag, e.g. after the path changed. */
  refresh(): void;
}

/**
 * Fetches `path` under /api (a string, or a function giving the current one) now and every
 * POLL_MS with If-None-Match, calling `render` with each new answer: an unchanged one is a
 * bodiless 304 and nothing is redrawn. An answer to an older path is dropped. An error answer
 * replaces the page with its message; an unreachable server greys the live mark.
 *
 * `View` is the JSON the server sends for the path (dashboard/page-views.ts): the server is
 * trusted to send it, as this is the dashboard's own API.
 */
export function poll<View>(path: string | (() => string), render: (view: View) => void): Poller {
  let etag: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const tick = async (): Promise<void> => {
    const mine = ++generation;
    clearTimeout(timer);
    const url = apiUrl(typeof path === 'function' ? path() : path);
    try {
      const response = await fetch(url, { cache: 'no-store', headers: etag ? { 'if-none-match': etag } : {} });
      if (mine !== generation) return;
      if (response.status === 200) {
        etag = response.headers.get('etag');
        const view = (await response.json()) as View;
        if (mine !== generation) return;
        render(view);
      } else if (response.status !== 304) {
        const text = await response.text();
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: string }).error || text;
        } catch {
          // plain text
        }
        app.replaceChildren(h('p', { class: 'error', 'data-status': response.status }, message));
        etag = null;
      }
      live.className = 'live ok';
      live.title = `updated ${new Date().toLocaleTimeString()} (every ${POLL_MS / 1000} s)`;
    } catch {
      if (mine !== generation) return;
      live.className = 'live offline';
      live.title = 'the dashboard is out of reach; retrying';
    }
    timer = setTimeout(() => void tick(), POLL_MS);
  };
  void tick();
  return {
    refresh() {
      etag = null;
      void tick();
    },
  };
}
