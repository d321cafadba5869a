// Import rules (npm run lint): the layers import downwards only, and nothing imports in a circle.
// app/ and pages/ may import components/ and lib/; components/ may import lib/; lib/ (the domain)
// imports neither, nor Next itself, so Vitest runs it without a server.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle means two modules each need the other: split out what they share, or pass it in.",
      from: {},
      to: { circular: true },
    },
    {
      name: "lib-stays-below",
      severity: "error",
      comment: "lib/ is the domain: it never imports pages, route handlers or components.",
      from: { path: "^lib/" },
      to: { path: "^(app|pages|components)/" },
    },
    {
      name: "lib-without-next",
      severity: "error",
      comment: "lib/ never imports next/*: pages and handlers are thin, the domain runs without a server.",
      from: { path: "^lib/" },
      to: { path: "^node_modules/next/" },
    },
    {
      name: "components-below-pages",
      severity: "error",
      comment: "components/ are shared by pages; they never import a page, a route handler or an action.",
      from: { path: "^components/" },
      to: { path: "^(app|pages)/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that resolves to nothing.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".d.ts", ".js", ".mjs"],
    },
  },
};
