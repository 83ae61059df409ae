// `bun bench/build-floor.ts ENTRY OUTFILE`: compiles a floor program as berth is compiled (bytecode, minified
// ESM, JIT tier-up thresholds ×10,000), in a process of its own (see floorBinary in lib.ts).
export {}; // a module, for top-level await
const [entry, outfile] = process.argv.slice(2);
const built = await Bun.build({
  entrypoints: [entry!],
  compile: { outfile: outfile!, autoloadDotenv: false, autoloadBunfig: false, jitPolicy: 10_000 },
  minify: true,
  format: "esm",
  bytecode: true,
  sourcemap: "none",
});
if (!built.success) {
  console.error(built.logs.map(String).join("\n"));
  process.exit(1);
}
