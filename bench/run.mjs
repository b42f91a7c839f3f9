// `npm run bench -- <name>`: runs one benchmark from bench/ and writes its JSON report to bench/results/.
const BENCHMARKS = {
  limits: () => import("./limits.mjs"),
  rooms: () => import("./rooms.mjs"),
  files: () => import("./files.mjs"),
  assistant: () => import("./assistant.mjs"),
  bundle: () => import("./bundle.mjs"),
  "upload-memory": () => import("./upload-memory.mjs"),
  "rooms-vs-peer": () => import("./rooms-vs-peer.mjs"),
};

const name = process.argv[2] ?? "limits";
const loader = BENCHMARKS[name];
if (!loader) {
  console.error(`unknown benchmark '${name}'; known: ${Object.keys(BENCHMARKS).join(", ")}`);
  process.exit(2);
}
await (await loader()).run();
process.exit(0);
