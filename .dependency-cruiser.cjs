/**
 * Import rules of the code (docs/layers.md), checked by `pnpm lint`:
 * no import cycles between files. Folder-level cycles, and the rule that only the
 * edge imports the web framework, are scripts/check-layers.mjs.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A module must not reach itself through its imports (type-only imports included).",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    exclude: { path: "(^|/)dist/" },
  },
};
