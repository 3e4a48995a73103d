import { defineConfig } from "vite";

// Relative asset URLs: the app loads the built files from Tauri's own origin.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  test: { environment: "jsdom" },
});
