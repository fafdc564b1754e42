import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVICE_ID_FILE, loadOrCreateDeviceId } from './device-id-file';

describe('the device id file', () => {
  it('is made once (32 random bytes, base64url) and read back the same', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'pairgate-id-')), 'nested');
    const id = loadOrCreateDeviceId(dir);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(loadOrCreateDeviceId(dir)).toBe(id);
    expect(loadOrCreateDeviceId(mkdtempSync(path.join(tmpdir(), 'pairgate-id-')))).not.toBe(id);
  });

  it('replaces what is not one of its ids (edited, truncated)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pairgate-id-'));
    writeFileSync(path.join(dir, DEVICE_ID_FILE), 'short\n');
    const id = loadOrCreateDeviceId(dir);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(path.join(dir, DEVICE_ID_FILE), 'utf8').trim()).toBe(id);
  });

  it('still gives an id for this run when it cannot be written, and says so (without it)', () => {
    // A directory that cannot be made (a file is in the way), whoever runs the test.
    const blocker = path.join(mkdtempSync(path.join(tmpdir(), 'pairgate-id-')), 'file');
    writeFileSync(blocker, '');
    const lines: string[] = [];
    const id = loadOrCreateDeviceId(path.join(blocker, 'pairgate'), (line) => lines.push(line));
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(lines).toEqual([expect.stringContaining('could not keep the device id (ENOTDIR)')]);
    expect(lines.join('')).not.toContain(id);
  });
});
