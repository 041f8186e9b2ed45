import { request as httpRequest } from 'node:http';

/** A tiny browser: keeps cookies, follows nothing by itself, finds the CSRF token in pages. */
export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
  location: string | null;
}

export class HttpClient {
  private readonly cookies = new Map<string, string>();
  private csrf = '';

  /**
   * `from`: the loopback address to connect from (any of 127.0.0.0/8 on Linux), so a test can be a
   * second computer with its own client address, as the app sees it without a proxy. `headers`: sent
   * with every request (e.g. X-Forwarded-For, as a proxy would add it).
   */
  constructor(
    readonly baseUrl: string,
    readonly options: { from?: string; headers?: Record<string, string> } = {},
  ) {}

  get csrfToken(): string {
    return this.csrf;
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }

  async request(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...this.options.headers, ...init.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = this.options.from
      ? await sendFrom(this.options.from, `${this.baseUrl}${path}`, method, headers, init.body)
      : await fetch(`${this.baseUrl}${path}`, { method, headers, body: init.body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /expires=thu, 01 jan 1970/i.test(a.trim()) || /max-age=0/i.test(a.trim()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1];
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
      location: response.headers.get('location'),
    };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<HttpResult> {
    return this.request('GET', path, { headers });
  }

  /** Posts a form as a browser would, with the CSRF token of the last page unless told otherwise. */
  postForm(path: string, fields: Record<string, string | string[]>, options: { csrf?: string | null } = {}): Promise<HttpResult> {
    const body = new URLSearchParams();
    const token = options.csrf === undefined ? this.csrf : options.csrf;
    if (token !== null) body.append('_csrf', token);
    for (const [key, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
    }
    return this.request('POST', path, { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** JSON API call; with a bearer token, or with the session cookie and CSRF header. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<HttpResult> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    else if (this.csrf) headers['x-csrf-token'] = this.csrf;
    return this.request(method, path, { body: body === undefined ? undefined : JSON.stringify(body), headers });
  }

  async login(email: string, password: string): Promise<HttpResult> {
    await this.get('/logga-in');
    return this.postForm('/logga-in', { email, password });
  }
}

/** fetch cannot choose the local address; node:http can. Answers as a fetch Response for the same handling. */
function sendFrom(localAddress: string, url: string, method: string, headers: Record<string, string>, body?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers, localAddress }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, item);
        }
        const status = incoming.statusCode ?? 500;
        const empty = status === 204 || status === 304;
        resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}
