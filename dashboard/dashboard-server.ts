import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { SweeperError } from '../src/errors/sweeper-error.js';
import { formatHostPort, type HostPort } from '../src/rpc/host-port.js';
import type { TrialStore } from '../src/store/trial-store.js';
import type { StatusReply } from '../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { DashboardAccess } from './dashboard-access.js';
import { servedHostNames } from './served-host-names.js';
import { statusJson } from '../src/views/status-json.js';
import { studiesView, studyPageView, trialPageView } from './dashboard-views.js';
import { pageScriptModules } from './page-script.js';
import { pageShell, type PageName } from './page-shell.js';
import { studyChartsView, chartScript } from './study-charts-view.js';
import { ThrottledViews } from './throttled-views.js';

export interface DashboardOptions {
  readonly store: TrialStore;
  readonly listen: HostPort;
  readonly logger: Logger;
  /** Every request must carry it when set (see DashboardAccess). */
  readonly token?: string;
  /** The coordinator's live state, for the workers page; absent when serving a store file alone. */
  readonly liveStatus?: () => Promise<StatusReply>;
}

/** dashboard/assets/ at the package root (the style sheet): this file compiles to dist/dashboard/. */
const ASSETS = fileURLToPath(new URL('../../dashboard/assets/', import.meta.url));

const SECURITY_HEADERS = {
  // vega compiles its expressions with Function() and styles its tooltips inline.
  'content-security-policy':
    "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

type Reply = { status: number; type: string; body: string; headers?: Record<string, string> };

/**
 * The live dashboard: a read-only HTTP server (node:http) over a trial store. Pages are HTML
 * shells; the page script (dashboard/browser/) fills them from the JSON API and polls it every second
 * (`If-None-Match`: an unchanged answer is a bodiless 304), so they follow a running sweep.
 *
 * Routes (GET or HEAD only; anything else is 405):
 *   /                               studies
 *   /studies/NAME                   a study: progress, best, charts, trials table
 *   /studies/NAME/trials/N          a trial: curves per epoch and repeat, test evaluation
 *   /workers                        connected workers and running trials (coordinator only)
 *   /api/studies, /api/studies/NAME, /api/studies/NAME/charts, /api/studies/NAME/trials/N,
 *   /api/workers                    the JSON behind each page (/api/studies/NAME?sort=&order=&state=&q=&offset=&limit=
 *                                   is one page of the trials table, see trial-table-query.ts)
 *   /assets/...                     the page script's modules (dashboard.js the entry), the style sheet, the chart libraries
 */
export class DashboardServer {
  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  /** The address to open in a browser. */
  get url(): string {
    return `http://${this.address}/`;
  }

  static async start(options: DashboardOptions): Promise<DashboardServer> {
    const access = new DashboardAccess(options.token, servedHostNames(options.listen.host));
    const assets = { 'dashboard.css': readFileSync(`${ASSETS}dashboard.css`, 'utf8') };
    const scripts = pageScriptModules();
    // The charts hold every trial: recomputed at most once a second, and less often when they cost more.
    const charts = new ThrottledViews({ minIntervalMs: 1000, maxShare: 0.05 });
    const server = createServer((request, response) => {
      handle(request, response, options, access, { assets, scripts, charts }).catch((error: unknown) => {
        options.logger.error({ err: error, url: request.url }, 'dashboard request failed');
        if (!response.headersSent) send(request, response, { status: 500, type: 'text/plain', body: 'internal error (see the log)\n' });
        else response.destroy();
      });
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new SweeperError(
            'INVALID_ARGUMENT',
            `cannot serve the dashboard on ${formatHostPort(options.listen)}: ${error.code ?? error.message}`,
          ),
        ),
      );
      server.listen(options.listen.port, options.listen.host, () => resolve((server.address() as AddressInfo).port));
    });
    const address = formatHostPort({ host: options.listen.host, port });
    options.logger.info({ address, token: options.token !== undefined, workers: options.liveStatus !== undefined }, 'dashboard listening');
    return new DashboardServer(server, address);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // Polling browsers keep connections alive; the dashboard has nothing to finish.
      this.server.closeAllConnections();
    });
  }
}

interface ServerState {
  readonly assets: Record<string, string>;
  /** The page script's modules by file name (page-script.ts). */
  readonly scripts: ReadonlyMap<string, string>;
  readonly charts: ThrottledViews;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: DashboardOptions,
  access: DashboardAccess,
  state: ServerState,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(request, response, {
      status: 405,
      type: 'text/plain',
      body: 'the dashboard is read-only: GET and HEAD only\n',
      headers: { allow: 'GET, HEAD' },
    });
    return;
  }
  const url = new URL(request.url ?? '/', 'http://dashboard');
  const decision = access.decide(request, url);
  if (decision.allow === 'set-cookie') {
    send(request, response, {
      status: 303,
      type: 'text/plain',
      body: '',
      headers: { 'set-cookie': decision.cookie, location: decision.location },
    });
    return;
  }
  if (decision.allow === false) {
    send(request, response, { status: decision.status, type: 'text/plain', body: `${decision.reason}\n` });
    return;
  }
  send(request, response, await route(url, options, state));
}

async function route(url: URL, options: DashboardOptions, { assets, scripts, charts }: ServerState): Promise<Reply> {
  const path = url.pathname;
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  const workers = options.liveStatus !== undefined;
  const page = (name: PageName, params: Record<string, string> = {}): Reply => ({
    status: 200,
    type: 'text/html; charset=utf-8',
    body: pageShell(name, params, workers),
  });
  const [first, second, third, fourth, fifth] = segments;
  try {
    if (first === undefined) return page('studies');
    if (first === 'studies' && second !== undefined && third === undefined) return page('study', { study: second });
    if (first === 'studies' && second !== undefined && third === 'trials' && fourth !== undefined && segments.length === 4)
      return page('trial', { study: second, trial: fourth });
    if (first === 'workers' && second === undefined) return page('workers');
    if (first === 'assets' && third === undefined) {
      // Kept by the browser and revalidated by ETag: the chart libraries are over a megabyte.
      const asset = (type: string, body: string): Reply => ({ status: 200, type, body, headers: { 'cache-control': 'no-cache' } });
      if (second === 'dashboard.css') return asset('text/css; charset=utf-8', assets['dashboard.css'] ?? '');
      if (second === 'charts.js') return asset('text/javascript; charset=utf-8', chartScript());
      const script = second === undefined ? undefined : scripts.get(second);
      if (script !== undefined) return asset('text/javascript; charset=utf-8', script);
    }
    if (first === 'api') {
      if (second === 'studies' && third === undefined) return json(await studiesView(options.store));
      if (second === 'studies' && third !== undefined && fourth === undefined)
        return json(await studyPageView(options.store, third, url.searchParams));
      if (second === 'studies' && third !== undefined && fourth === 'charts' && fifth === undefined)
        return {
          status: 200,
          type: 'application/json',
          body: await charts.get(third, async () => JSON.stringify(await studyChartsView(options.store, third))),
        };
      if (second === 'studies' && third !== undefined && fourth === 'trials' && fifth !== undefined && segments.length === 5)
        return json(await trialPageView(options.store, third, trialNumber(fifth)));
      if (second === 'workers' && third === undefined) {
        if (!options.liveStatus)
          return {
            status: 404,
            type: 'application/json',
            body: JSON.stringify({
              error: 'workers are known to a coordinator only: start the dashboard with `sweeper coordinator --dashboard HOST:PORT`',
            }),
          };
        return json(statusJson(await options.liveStatus()));
      }
    }
  } catch (error) {
    // No such study or trial is a 404; a query string field the API cannot take (sort=, limit=, ...) a 400.
    if (error instanceof SweeperError && (error.code === 'NOT_FOUND' || error.code === 'INVALID_ARGUMENT')) {
      return { status: error.code === 'NOT_FOUND' ? 404 : 400, type: 'application/json', body: JSON.stringify({ error: error.message }) };
    }
    throw error;
  }
  return { status: 404, type: 'text/plain', body: `no page at ${path}\n` };
}

function trialNumber(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new SweeperError('NOT_FOUND', `a trial number must be a non-negative integer, but got "${text}"`);
  return Number(text);
}

function json(value: unknown): Reply {
  return { status: 200, type: 'application/json', body: JSON.stringify(value) };
}

function send(request: IncomingMessage, response: ServerResponse, reply: Reply): void {
  const headers: Record<string, string | number> = { ...SECURITY_HEADERS, 'content-type': reply.type, ...reply.headers };
  if (reply.status === 200) {
    const etag = `"${createHash('sha1').update(reply.body).digest('base64url')}"`;
    headers.etag = etag;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers).end();
      return;
    }
  }
  headers['content-length'] = Buffer.byteLength(reply.body);
  response.writeHead(reply.status, headers);
  response.end(request.method === 'HEAD' ? undefined : reply.body);
}
