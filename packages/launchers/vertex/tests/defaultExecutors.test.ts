import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fetchHttp, spawnProcess } from '../src/index.js';

describe('spawnProcess', () => {
  it('collects stdout, stderr and the exit code without a shell', async () => {
    const output = await spawnProcess(process.execPath, [
      '-e',
      'process.stdout.write(process.argv[1]); process.stderr.write("warned"); process.exit(3)',
      'a,b $HOME',
    ]);
    expect(output).toEqual({ exitCode: 3, stdout: 'a,b $HOME', stderr: 'warned' });
  });

  it('rejects with ENOENT when the program is not installed', async () => {
    await expect(spawnProcess('cls-no-such-program-xyz', [])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('fetchHttp', () => {
  it('sends the method, headers and body and returns any status with its body', async () => {
    let seen: {
      method?: string | undefined;
      url?: string | undefined;
      headers?: IncomingMessage['headers'];
      body?: string;
    } = {};
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen = { method: request.method, url: request.url, headers: request.headers, body };
        response.writeHead(409, { 'content-type': 'application/json' }).end('{"error":{"message":"exists"}}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetchHttp({
        method: 'POST',
        url: `http://127.0.0.1:${port}/v1/projects/p/locations/r/customJobs`,
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        body: '{"displayName":"cls-0"}',
      });
      expect(response).toEqual({ status: 409, body: '{"error":{"message":"exists"}}' });
      expect(seen).toMatchObject({
        method: 'POST',
        url: '/v1/projects/p/locations/r/customJobs',
        body: '{"displayName":"cls-0"}',
      });
      expect(seen.headers?.authorization).toBe('Bearer t');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
