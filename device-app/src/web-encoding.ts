/**
 * Content negotiation for the web host's static files: brotli or gzip, precompressed at build
 * time (`scripts/build.ts`), chosen from the request's Accept-Encoding (RFC 9110 §12.5.3) and
 * labelled with Content-Encoding and `Vary: Accept-Encoding` (§8.4, §12.5.5) so no cache hands
 * one client's encoding to another.
 */

/** What the build writes beside each file, in order of preference (brotli is ~10 % smaller). */
export const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

export type EncodingName = (typeof ENCODINGS)[number]['name'];

/** The q-value the header gives `coding` (RFC 9110 §12.4.2), `*` standing in for codings it does not name; 0 when absent. */
function quality(header: string, coding: string): number {
  let wildcard: number | undefined;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    const weight = Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
    if (name.trim() === coding) return weight;
    if (name.trim() === '*') wildcard = weight;
  }
  return wildcard ?? 0;
}

/** The best encoding among `available` the client accepts, or undefined for the file as it is. */
export function chooseEncoding(acceptEncoding: string | undefined, available: readonly EncodingName[]): EncodingName | undefined {
  if (!acceptEncoding) return undefined;
  let best: { name: EncodingName; q: number } | undefined;
  for (const { name } of ENCODINGS) {
    if (!available.includes(name)) continue;
    const q = quality(acceptEncoding, name);
    if (q > 0 && (best === undefined || q > best.q)) best = { name, q };
  }
  return best?.name;
}
