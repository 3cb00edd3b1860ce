import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A local AWS (moto_server) on a free loopback port, for the tests that talk to AWS for real. */
export interface Moto {
  url: string;
  stop: () => Promise<void>;
}

/** Start moto_server on 127.0.0.1 with a port it picks; resolves once it listens. */
export async function startMoto(): Promise<Moto> {
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('moto_server did not start within 20 s')), 20_000);
    child.once('error', (err) => reject(new Error(`moto_server could not start: ${err.message}`)));
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream as NodeJS.ReadableStream }).on('line', (line) => {
        const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Credentials moto accepts (any), so no real ones are looked for. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
