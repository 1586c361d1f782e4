import { request as httpRequest } from 'node:http';
import type { OutgoingRequest } from '@mixtask/core/adapter';
import type { Emulator } from '@mixtask/emulator';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** Sends a request exactly as given (Host included), as the provider's transport would, to the emulator. */
export function send(em: Emulator, request: OutgoingRequest): Promise<RawAnswer> {
  const target = new URL(request.url);
  const origin = new URL(em.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: origin.hostname,
        port: origin.port,
        method: request.method,
        path: `${target.pathname}${target.search}`,
        headers: request.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}
