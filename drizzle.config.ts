import { defineConfig } from "drizzle-kit";

// Generates SQL migrations into drizzle/ from the schema files. They are applied by
// `npm run db:migrate` (and before the server starts), never by `drizzle-kit push`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema/*.ts",
  out: "./drizzle",
  casing: "snake_case",
});
