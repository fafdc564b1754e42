/** startPortal's own promise: a free port taken before the portal binds it is not a failed suite. */
import net from 'node:net';
import { expect, it } from 'vitest';
import { freePort, startPortal } from './portal';

it('starts on another free port when the one it was given is taken by then (EADDRINUSE)', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const takenPort = (taken.address() as net.AddressInfo).port;
  const given: number[] = [];
  const portal = await startPortal({
    freePort: async () => {
      given.push(given.length === 0 ? takenPort : await freePort());
      return given.at(-1)!;
    },
  });
  try {
    expect(given).toHaveLength(2);
    expect(portal.port).toBe(given[1]);
    expect((await fetch(`${portal.issuer}/.well-known/openid-configuration`)).status).toBe(200);
  } finally {
    await portal.stop();
    taken.close();
  }
});
