// Builds embed.js and count.js from these sources: `make widget` (or `npm run build`).
// The output is committed; `make lint` runs it with --check: a rebuild must give the same
// bytes, and it exits 1 naming the file that differs.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static", "parley");

// The widget's CSS goes into its shadow root as a string, minified first.
const cssAsText = {
  name: "css-as-text",
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const { code } = await esbuild.transform(source, { loader: "css", minify: true });
      return { contents: code.trim(), loader: "text" };
    });
  },
};

const version = JSON.parse(await readFile(join(here, "..", "..", "..", "package.json"), "utf8"));

const check = process.argv.includes("--check");
let stale = false;

for (const name of ["embed", "count"]) {
  const outfile = join(out, `${name}.js`);
  const result = await esbuild.build({
    entryPoints: [join(here, `${name}.js`)],
    outfile,
    write: false,
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    charset: "ascii", // whatever charset the host page declares
    legalComments: "none",
    plugins: [cssAsText],
    define: { PARLEY_VERSION: JSON.stringify(version.version || "0") },
    logLevel: "warning",
  });
  const built = result.outputFiles[0].contents;
  if (check) {
    const committed = await readFile(outfile).catch(() => Buffer.alloc(0));
    if (!Buffer.from(built).equals(committed)) {
      console.error(`${outfile} is not what its sources build.`);
      stale = true;
    }
  } else {
    await writeFile(outfile, built);
  }
}
process.exit(stale ? 1 : 0);
