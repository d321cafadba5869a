// How much of a request body anything here reads. A leaf module: scripts/serve.ts reads it before
// Next (and the database) are loaded.

/** The ingest API's limit, the largest of all: scripts/serve.ts refuses a larger declared body outright. */
export const maxBodyBytes = 1_000_000;
