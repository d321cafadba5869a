// ESLint (flat config): Next's rules (React, hooks, a11y, core web vitals), typescript-eslint, and
// drizzle's guard against a `delete` or `update` with no `where`. Prettier decides layout (see
// .prettierrc.json); eslint-config-prettier turns off the stylistic rules that would argue with it.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";
import drizzle from "eslint-plugin-drizzle";
import { defineConfig, globalIgnores } from "eslint/config";

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  prettier,
  {
    plugins: { drizzle },
    rules: {
      // Only our drizzle handles: `db`, `tx`, and `db()` calls (Map#delete and friends are not SQL).
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // Playwright's fixtures hand over with a function named `use`; it is not React's.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  globalIgnores([
    ".next*/**",
    ".data/**",
    "node_modules/**",
    "test-results/**",
    "playwright-report/**",
    "drizzle/meta/**",
    "next-env.d.ts",
  ]),
]);
