import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { startHealthServer } from '../../src/runtime/http-server.ts';

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

describe('health server', () => {
  it('answers /healthz, /readyz by readiness, /metrics from the registry, and 404 otherwise', async () => {
    const registry = new Registry();
    new Counter({ name: 'probe_total', help: 'a probe', registers: [registry] }).inc();
    let ready = false;
    const server = await startHealthServer({ port: 0, host: '127.0.0.1', registry, ready: () => ready });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      assert.deepEqual(await get(`${base}/healthz`), { status: 200, body: 'ok\n' });
      assert.equal((await get(`${base}/readyz`)).status, 503);
      ready = true;
      assert.equal((await get(`${base}/readyz`)).status, 200);
      assert.match((await get(`${base}/metrics`)).body, /^probe_total 1$/m);
      assert.equal((await get(`${base}/nope`)).status, 404);
    } finally {
      await server.close();
    }
  });
});

