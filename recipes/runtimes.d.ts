// The few declarations of Deno, Bun and Cloudflare Workers that the recipes use, so that
// `tsc -p recipes` checks every recipe without installing each runtime's types. Each signature is
// the runtime's own (lib.deno.d.ts, bun-types, @cloudflare/workers-types), trimmed to what is
// used: a shim looser than the real types would let a recipe pass here and fail there.
// (deno.ts is also checked with Deno's own types, by `deno check` in test/recipes.test.ts.)

declare namespace Deno {
  interface NetAddr {
    transport: 'tcp' | 'udp';
    hostname: string;
    port: number;
  }
  interface ServeHandlerInfo {
    remoteAddr: NetAddr;
    completed: Promise<void>;
  }
  type ServeHandler = (request: Request, info: ServeHandlerInfo) => Response | Promise<Response>;
  interface ServeTcpOptions {
    port?: number;
    hostname?: string;
    onListen?: (localAddr: NetAddr) => void;
  }
  interface HttpServer {
    readonly finished: Promise<void>;
    shutdown(): Promise<void>;
  }
  function serve(handler: ServeHandler): HttpServer;
  function serve(options: ServeTcpOptions, handler: ServeHandler): HttpServer;
  const env: { get(key: string): string | undefined };
}

declare namespace Bun {
  interface Server {
    readonly url: URL;
    readonly port: number;
    stop(closeActiveConnections?: boolean): Promise<void>;
  }
  interface ServeOptions {
    port?: string | number;
    hostname?: string;
    fetch(this: Server, request: Request, server: Server): Response | Promise<Response>;
  }
  function serve(options: ServeOptions): Server;
}

/** Cloudflare Workers: the third argument of a Worker's `fetch`. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}
/** Cloudflare Workers: a module Worker's default export. */
interface ExportedHandler<Env = unknown> {
  fetch?: (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;
}
