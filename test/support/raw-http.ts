// HTTP clients for the receiver tests: a plain one over node:http (exact headers, no defaults such
// as fetch's text/plain) and raw-socket ones over node:net for hostile and large uploads.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes as text. */
  text: string;
}

/** One request over node:http with exactly the given headers; the body is sent with its length. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array; chunked?: boolean } = {},
): Promise<Answer> {
  const body = options.body === undefined ? undefined : Buffer.from(options.body as string);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined && !options.chunked) headers['content-length'] = String(body.byteLength);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined && options.chunked) {
      // Two writes without a length: node:http sends them chunked.
      req.write(body.subarray(0, body.byteLength >> 1));
      req.end(body.subarray(body.byteLength >> 1));
    } else req.end(body);
  });
}

export interface RawResult {
  /** The final (non-1xx) status, or undefined when no full response head arrived. */
  status?: number;
  headers: Record<string, string>;
  body: string;
  /** Interim 1xx statuses seen before the final one. */
  interim: number[];
  /** A socket error seen (ECONNRESET, EPIPE...), if any. */
  error?: string;
}

/** Parses what arrived on a socket into interim statuses and one final response, if complete. */
function parse(data: Buffer): { result: RawResult; complete: boolean } {
  const result: RawResult = { headers: {}, body: '', interim: [] };
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return { result, complete: false };
    const [statusLine, ...headerLines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1]);
    rest = rest.subarray(end + 4);
    if (status >= 100 && status < 200) {
      result.interim.push(status);
      continue;
    }
    result.status = status;
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      result.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(result.headers['content-length']);
    result.body = rest.toString('utf8');
    return { result, complete: Number.isFinite(length) && rest.byteLength >= length };
  }
}

/**
 * A client that uploads a whole body as many real ones do (Python's http.client, a blocking
 * `sendall` then `recv`): it writes the head and the whole body (in pieces of `pieceBytes`, `pauseMs`
 * apart, as a slow uplink does), and reads the answer only once its writes went through. With `expectContinue` it waits for 100 Continue before the body (and
 * sends none when a final answer comes first). Resolves once a full final response arrived, or
 * the connection ended; a write that fails (EPIPE, ECONNRESET) is kept in `error`.
 */
export function upload(
  url: string,
  head: string,
  body: Buffer,
  options: { expectContinue?: boolean; pieceBytes?: number; pauseMs?: number } = {},
): Promise<RawResult> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const piece = options.pieceBytes ?? body.byteLength;
  let data = Buffer.alloc(0);
  let sentBody = false;
  return new Promise((resolve) => {
    let error: string | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const { result } = parse(data);
      if (error !== undefined) result.error = error;
      socket.destroy();
      resolve(result);
    };
    const sendBody = async (): Promise<void> => {
      if (sentBody) return;
      sentBody = true;
      socket.pause(); // read nothing until the whole body is written
      for (let offset = 0; offset < body.byteLength && !done; offset += piece) {
        const failed = await new Promise<Error | null | undefined>((resolve) =>
          socket.write(body.subarray(offset, offset + piece), resolve),
        );
        if (failed) {
          error ??= (failed as NodeJS.ErrnoException).code ?? failed.message;
          finish();
          return;
        }
        if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
      }
      socket.resume();
    };
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const { result, complete } = parse(data);
      if (options.expectContinue && result.interim.includes(100) && result.status === undefined) void sendBody();
      if (complete) finish();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(head);
      if (!options.expectContinue) void sendBody();
    });
  });
}

/** Opens a raw connection and writes `data`; the caller then misbehaves with the socket. */
export async function rawConnect(url: string, data: string | Buffer): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  await new Promise<void>((resolve) => socket.write(data, () => resolve()));
  return socket;
}

/** The request line and headers for a POST to `url`. */
export function head(url: string, headers: Record<string, string>): string {
  const { host, pathname } = new URL(url);
  const lines = Object.entries({ host, ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `POST ${pathname} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
