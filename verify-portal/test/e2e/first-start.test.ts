/**
 * A portal's first start on an empty database without `PAIRGATE_SEED_DEMO` — a deployment, not
 * `npm start`: no demo user (its password is public), no demo clients, and one line saying how
 * to add a user and a client. (With it, every other end-to-end suite starts on the demo data.)
 */
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../../src/admin/demo';
import { EMPTY_DATABASE_HINT } from '../../src/server/starting-data';
import { openStore } from '../../src/store';
import { startPortal, type RunningPortal } from '../support/portal';

describe('first start on an empty database, demo not asked for', () => {
  let portal: RunningPortal;

  beforeAll(async () => {
    portal = await startPortal({ seedDemo: false });
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it('seeds nothing and says, in one line, how to add a user and a client', async () => {
    const store = openStore(portal.env.DATABASE_URL, `${portal.env.PAIRGATE_DATA_DIR}/pairgate.db`);
    try {
      expect(await store.countUsers()).toBe(0);
      expect(await store.listClients()).toEqual([]);
    } finally {
      await store.close();
    }
    const hints = portal
      .output()
      .split('\n')
      .filter((line) => line.includes('nobody can sign in yet'));
    expect(hints).toHaveLength(1);
    expect(JSON.parse(hints[0]!)).toMatchObject({ level: 'warn', msg: EMPTY_DATABASE_HINT });
    // The demo client does not exist here.
    const code = await fetch(`${portal.issuer}/oauth/device/code`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${demo.kioskClientId}` });
    expect(code.status).toBe(401);
    expect(((await code.json()) as { error: string }).error).toBe('invalid_client');
  });
});

describe('a port already in use', () => {
  it('stops with exit code 2 and one line saying which port and what to do', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const refused = startPortal({ port });
      await expect(refused).rejects.toThrow('portal exited with code 2');
      await expect(refused).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
