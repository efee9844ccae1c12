import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";

/**
 * Emits sw.js with the app shell's files: index.html, the entry chunk, what it
 * imports statically, and its CSS. Lazy chunks (manager, TV, analysis with
 * ECharts) are cached when first used, so a rep's phone never downloads them.
 */
function serviceWorker(): Plugin {
  return {
    name: "clubhouse-sw",
    apply: "build",
    generateBundle(_options, bundle) {
      const shell = new Set<string>(["/", "/manifest.webmanifest", "/icon-192.png", "/icon.svg"]);
      const visit = (name: string) => {
        const chunk = bundle[name];
        if (chunk?.type !== "chunk" || shell.has(`/${name}`)) return;
        shell.add(`/${name}`);
        for (const css of chunk.viteMetadata?.importedCss ?? []) shell.add(`/${css}`);
        for (const imp of chunk.imports) visit(imp);
      };
      for (const [name, out] of Object.entries(bundle)) if (out.type === "chunk" && out.isEntry) visit(name);
      const list = [...shell].sort();
      const version = createHash("sha256").update(list.join("\n")).digest("hex").slice(0, 12);
      const source = readFileSync(new URL("./sw-template.js", import.meta.url), "utf8")
        .replace("__VERSION__", version)
        .replace("__SHELL__", JSON.stringify(list));
      this.emitFile({ type: "asset", fileName: "sw.js", source });
    },
  };
}

export default defineConfig({
  plugins: [solid(), serviceWorker()],
  server: { proxy: { "/api": "http://127.0.0.1:3000", "/socket.io": { target: "http://127.0.0.1:3000", ws: true } } },
  // ECharts alone is ~570 kB; it lives only in the lazily loaded analysis chunk.
  build: { target: "es2022", chunkSizeWarningLimit: 700 },
});
