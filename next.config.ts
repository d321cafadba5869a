import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its WebAssembly and extension bundles from its own package folder at run time,
  // and postgres.js / pg-boss hold sockets: keep them out of the server bundle.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "pg-boss"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project (app, lib, tests, benchmarks) as its own first step;
  // the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  // Lets two builds live side by side on one machine (e.g. a second engineer's e2e run).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Server actions take a form of a few fields; Next counts the body while it streams and answers
  // 413 past this, before parsing (its default is 1 MB).
  experimental: { serverActions: { bodySizeLimit: "64kb" } },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
