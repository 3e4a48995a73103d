import { defineConfig } from "vite";

// Fixed file names: the hub compiles index.html, app.js and app.css in (crates/earshot-hub/build.rs)
// and serves them at /, /app.js and /app.css.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: false,
    rollupOptions: {
      output: { entryFileNames: "app.js", assetFileNames: "app[extname]", chunkFileNames: "app-[name].js" },
    },
  },
});
