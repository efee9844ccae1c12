// The production build: the server and the workspace code it imports, bundled into
// one ES module (dist/main.js, with a source map) that plain `node` runs, and the backup
// command beside it (dist/backup.js, src/backup/cli.ts); packages from the registry stay
// outside the bundle and load from node_modules as usual.
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
// `--outdir DIR` (inside server/, so the bundle still finds node_modules): the bench
// builds its own copy there, never replacing dist/ under a server that runs from it.
const outArg = process.argv.indexOf("--outdir");
const outdir = outArg > 0 && process.argv[outArg + 1] ? resolve(here, process.argv[outArg + 1]) : resolve(here, "dist");
const root = resolve(here, "..");

/**
 * `import.meta.url` in a workspace file means that file (db/src/client.ts finds its
 * migrations beside it, server/src/app.ts the built web app): in the bundle it becomes
 * the file's own address, relative to the bundle, so every such path still resolves.
 */
const ownUrl = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url") || !args.path.startsWith(root)) return { contents: source, loader: "ts" };
      const rel = relative(outdir, args.path).split("\\").join("/");
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
    });
  },
};

const started = performance.now();
await build({
  // main.js: the server; backup.js: `pnpm backup` / `pnpm restore` (src/backup/cli.ts)
  entryPoints: { main: resolve(here, "src/main.ts"), backup: resolve(here, "src/backup/cli.ts") },
  outdir,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  // npm packages load from node_modules; only @clubhouse/* workspace code is bundled
  plugins: [
    ownUrl,
    {
      name: "externals",
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith("@clubhouse/") ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
  logLevel: "warning",
});
console.log(`server built: ${relative(process.cwd(), resolve(outdir, "main.js"))} in ${Math.round(performance.now() - started)} ms`);
