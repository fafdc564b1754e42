import type { NextConfig } from 'next';

const config: NextConfig = {
  // The shared package ships TypeScript source.
  transpilePackages: ['@pairgate/shared'],
  // The custom server owns these; Next never sees them.
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: false },
};

export default config;
