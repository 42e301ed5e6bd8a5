// Child processes for test/recipes.test.ts: a server started from a recipe (any runtime), waited
// for until its port accepts connections, and stopped by its own pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** A free TCP port of 127.0.0.1 (bound and released: another process could take it, rarely). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface RunningServer {
  child: ChildProcess;
  port: number;
  /** Everything it printed so far (the last 64 KiB). */
  output: () => string;
  stop: () => Promise<void>;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `command args` and resolves once 127.0.0.1:`port` accepts connections; rejects with its
 * output when it exits first or is not listening after `timeoutMs`.
 */
export async function startServer(
  command: string,
  args: string[],
  options: { cwd: string; port: number; env?: Record<string, string>; timeoutMs?: number },
): Promise<RunningServer> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', PORT: String(options.port), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      output += `\n[exited: ${code ?? signal}]`;
      resolve();
    }),
  );
  child.once('error', (error) => {
    output += `\n[spawn error: ${error.message}]`;
  });
  const server: RunningServer = {
    child,
    port: options.port,
    output: () => output,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await canConnect(options.port))) {
    if (exited || Date.now() > deadline) {
      await server.stop();
      throw new Error(`${command} ${args.join(' ')} did not listen on port ${options.port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return server;
}
