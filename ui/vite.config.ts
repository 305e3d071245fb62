import { defineConfig } from "vitest/config";

// One build for both hosts: the Tauri window loads it from the app bundle, `suangu serve`
// from ui/dist. Relative paths so either host can serve it from any base.
export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Fonts are large and must stay files (never inlined as data: URLs).
    assetsInlineLimit: 0,
    // The app, and the heatmap benchmark's page (opened only by tests/e2e/bench-heatmap.mjs).
    rollupOptions: { input: { main: "index.html", bench: "bench.html" } },
  },
  server: { fs: { allow: [".."] } },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
