import { describe, expect, it } from 'vitest';
import * as api from '../src/index';

// Vite's import.meta.glob (vitest runs on Vite); declared here because the package has no Vite types.
declare global {
  interface ImportMeta {
    glob<T>(pattern: string, options: { eager: true; query?: string; import?: string }): Record<string, T>;
  }
}

const sources = import.meta.glob<string>('../src/**/*.ts', { eager: true, query: '?raw', import: 'default' });
const modules = import.meta.glob<Record<string, unknown>>('../src/**/*.ts', { eager: true });

/** Module-internal helpers shared between client files; deliberately not public. */
const INTERNAL = new Set([
  'client/http.ts:endpoint',
  'client/http.ts:postForm',
  'client/http.ts:resolveFetch',
  'client/fields.ts:FieldReader',
  'client/errors.ts:readJsonBody',
  'client/errors.ts:isJsonObject',
  'client/errors.ts:errorFromBody',
  'client/errors.ts:expectJsonObject',
]);

describe('package surface', () => {
  it('found the sources', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(15);
  });

  it('is isomorphic: no node: imports, Buffer or process in src (DESIGN: runs in browsers and TV runtimes)', () => {
    for (const [file, text] of Object.entries(sources)) {
      expect(text, file).not.toMatch(/(?:from|import)\s*\(?\s*['"]node:/);
      expect(text, file).not.toMatch(/require\(/);
      expect(text, file).not.toMatch(/\bBuffer\./);
      expect(text, file).not.toMatch(/\bprocess\./);
    }
  });

  it('index.ts re-exports every public runtime export', () => {
    const missing: string[] = [];
    for (const [file, mod] of Object.entries(modules)) {
      const rel = file.replace('../src/', '');
      if (rel === 'index.ts') continue;
      for (const name of Object.keys(mod)) {
        if (!INTERNAL.has(`${rel}:${name}`) && !(name in api)) missing.push(`${rel}:${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('exposes the main entry points', () => {
    for (const name of ['DeviceFlow', 'OAuthError', 'discover', 'processTokenResponse', 'verifyIdToken', 'computeCodeChallenge', 'parsePushMessage']) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
