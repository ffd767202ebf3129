import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { secretMatches, tokenMatches } from '../src/rpc/auth-token.js';
import { isLoopback } from '../src/rpc/host-port.js';

/** The cookie that carries a browser's proof of the token after its first `?token=` visit. */
export const SESSION_COOKIE = 'sweeper_dashboard';

export type AccessDecision =
  | { readonly allow: true }
  /** The URL carried the right `?token=`: set the cookie and send the browser on without it. */
  | { readonly allow: 'set-cookie'; readonly cookie: string; readonly location: string }
  | { readonly allow: false; readonly status: 401 | 403; readonly reason: string };

/**
 * Who may read the dashboard. With a token, every request must carry it: as
 * `Authorization: Bearer <token>` (scripts), or once as `?token=<token>` in a browser's address,
 * which sets an HttpOnly cookie holding an HMAC of the token (not the token itself) and redirects
 * to the same address without it, so the token stays out of history and Referer headers.
 * Without a token, the Host header must be a name the dashboard is served as (servedHostNames):
 * a page on another site that re-binds its DNS name to this machine cannot read the dashboard.
 */
export class DashboardAccess {
  private readonly session: string | undefined;

  /**
   * `hostAllowed`: which Host headers a dashboard without a token answers (loopback names by
   * default; see servedHostNames for one served to the network with --insecure).
   */
  constructor(
    private readonly token: string | undefined,
    private readonly hostAllowed: (host: string) => boolean = isLoopback,
  ) {
    this.session = token === undefined ? undefined : createHmac('sha256', token).update('sweeper dashboard session v1').digest('base64url');
  }

  get requiresToken(): boolean {
    return this.token !== undefined;
  }

  decide(request: IncomingMessage, url: URL): AccessDecision {
    if (this.token === undefined || this.session === undefined) {
      const host = hostName(request.headers.host);
      return host !== undefined && this.hostAllowed(host)
        ? { allow: true }
        : {
            allow: false,
            status: 403,
            reason: `this dashboard does not serve the host name "${request.headers.host ?? ''}" (a page elsewhere may have pointed its own name here)`,
          };
    }
    const fromUrl = url.searchParams.get('token');
    if (fromUrl !== null) {
      if (!secretMatches(this.token, fromUrl)) return { allow: false, status: 401, reason: 'the token in the address is wrong' };
      url.searchParams.delete('token');
      // One leading slash: `//evil.com/` (what `/.//evil.com/` becomes) would leave this site.
      const path = `/${url.pathname.replace(/^[/\\]+/, '')}`;
      return {
        allow: 'set-cookie',
        cookie: `${SESSION_COOKIE}=${this.session}; HttpOnly; SameSite=Strict; Path=/`,
        location: `${path}${url.search}`,
      };
    }
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      return tokenMatches(this.token, authorization)
        ? { allow: true }
        : { allow: false, status: 401, reason: 'the Authorization header carries a wrong token' };
    }
    if (secretMatches(this.session, cookie(request.headers.cookie, SESSION_COOKIE))) return { allow: true };
    return {
      allow: false,
      status: 401,
      reason: 'this dashboard requires its token: open it once as http://HOST:PORT/?token=TOKEN, or send Authorization: Bearer TOKEN',
    };
  }
}

function hostName(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::\d+)?$/.exec(header);
  return match ? (match[1] ?? match[2])?.toLowerCase() : undefined;
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
