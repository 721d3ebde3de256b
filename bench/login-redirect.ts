/**
 * Preloaded into each bot process under test (node --import ./bench/login-redirect.ts): sends the
 * bot's requests for an outgoing token (MSAL -> https://login.microsoftonline.com) to the bench's
 * loopback login stub instead, and leaves every other request untouched. botbuilder caches the
 * token for about an hour, so this runs once per bot process; no other outbound call is patched,
 * so storage and connector calls cost exactly what they cost in production.
 */
import http from 'node:http';
import https from 'node:https';

const target = process.env.BENCH_LOGIN_URL;
if (!target) throw new Error('bench/login-redirect.ts needs BENCH_LOGIN_URL (the loopback login stub)');
const stub = new URL(target);
if (stub.hostname !== '127.0.0.1') throw new Error('BENCH_LOGIN_URL must be a loopback http URL');

const LOGIN_HOST = 'login.microsoftonline.com';
const originalRequest = https.request;

function hostOf(args: unknown[]): string | undefined {
  const first = args[0];
  if (typeof first === 'string') return new URL(first).hostname;
  if (first instanceof URL) return first.hostname;
  const options = first as { hostname?: string; host?: string } | undefined;
  return options?.hostname ?? options?.host?.split(':')[0];
}

function redirected(args: unknown[]): http.ClientRequest {
  const first = args[0];
  const url = typeof first === 'string' ? new URL(first) : first instanceof URL ? first : undefined;
  const options = (url ? (args[1] as object | undefined) : first) as http.RequestOptions & { pathname?: string; search?: string };
  const path = url ? `${url.pathname}${url.search}` : (options.path ?? `${options.pathname ?? '/'}${options.search ?? ''}`);
  const callback = args.find((a) => typeof a === 'function') as ((res: http.IncomingMessage) => void) | undefined;
  const {
    agent: _agent,
    protocol: _protocol,
    host: _host,
    hostname: _hostname,
    port: _port,
    ...rest
  } = (url ? (options ?? {}) : options) as http.RequestOptions;
  return http.request(
    { ...rest, path, protocol: 'http:', hostname: stub.hostname, port: Number(stub.port), headers: { ...headerRecord(rest.headers), host: LOGIN_HOST } },
    callback,
  );
}

https.request = function request(this: unknown, ...args: unknown[]) {
  if (hostOf(args) === LOGIN_HOST) return redirected(args);
  return (originalRequest as (...a: unknown[]) => http.ClientRequest).apply(this, args);
};

// The Teams SDK host's MSAL (its own @azure/msal-node 5) asks with fetch rather than https.request:
// the same requests, and only those, go to the stub.
const originalFetch = globalThis.fetch;
globalThis.fetch = async function fetchRedirected(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  if (url.hostname !== LOGIN_HOST) return originalFetch(input, init);
  const request = input instanceof Request ? input : undefined;
  const body = init?.body ?? (request ? await request.text() : undefined);
  return originalFetch(new URL(`${url.pathname}${url.search}`, stub), {
    method: init?.method ?? request?.method ?? 'GET',
    headers: init?.headers ?? request?.headers,
    body: body === '' ? undefined : body,
  });
};

/** Request headers as a record; Node also accepts them as a flat [name, value, name, value] list. */
function headerRecord(headers: http.RequestOptions['headers']): http.OutgoingHttpHeaders {
  if (!isList(headers)) return headers ?? {};
  const out: http.OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < headers.length; i += 2) out[String(headers[i])] = headers[i + 1];
  return out;
}

const isList = (h: http.RequestOptions['headers']): h is readonly string[] => Array.isArray(h);
