import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

export default defineConfig({
  plugins: [solid()],
  server: { proxy: { "/api": "http://127.0.0.1:3000", "/socket.io": { target: "http://127.0.0.1:3000", ws: true } } },
  build: { target: "es2022" },
});
