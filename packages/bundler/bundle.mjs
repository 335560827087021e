#!/usr/bin/env node
// `bundle-entries <entry.js>…` (run in a package's directory, after tsc): each compiled entry and everything it
// imports become one minified ES module in bundle/, so a production process loads and compiles one file instead of
// ~680 modules. What cannot be inlined is made to live beside it: native addons (and their dependencies) are
// copied into bundle/node_modules, and the static files of packages that find them through __dirname into
// bundle/assets. bundle/ is then all a runtime image needs.
import { cp, mkdir, readFile, realpath, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { build } from 'esbuild'

/** Loaded at run time from bundle/node_modules: addons with a compiled .node file. */
const NATIVE = ['bcrypt']
/** Optional modules their importers load lazily, and that are not installed: left as run-time imports. */
const ABSENT = ['pg-native']
/** Packages that read their own files through __dirname: those directories are copied next to the bundle. */
const ASSETS = { '@fastify/swagger-ui': ['static'] }

const outdir = path.resolve('bundle')
const require = createRequire(path.resolve('package.json'))

/** The directory of an installed package, as seen from `from` (its real path, out of pnpm's symlinks). */
async function packageDir (name, from = require) {
  const manifest = from.resolve(`${name}/package.json`)
  return path.dirname(await realpath(manifest))
}

/** Copies a package and, recursively, its dependencies into bundle/node_modules (flat: each name once). */
async function copyPackage (name, from, copied) {
  if (copied.has(name)) return
  copied.add(name)
  const dir = await packageDir(name, from)
  await cp(dir, path.join(outdir, 'node_modules', name), { recursive: true, dereference: true })
  const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'))
  const own = createRequire(path.join(dir, 'package.json'))
  for (const dep of Object.keys(manifest.dependencies ?? {})) await copyPackage(dep, own, copied)
}

/**
 * The packages of ASSETS find their files at `__dirname/…`: point that at bundle/assets/<package>/<same dir>. The
 * package's directory is read off each file esbuild loads from it (it may be installed for a workspace package, out
 * of this package's reach), and recorded in `found` so that its files can be copied.
 */
function assetDirs (found) {
  return {
    name: 'asset-dirs',
    setup (b) {
      for (const name of Object.keys(ASSETS)) {
        const segment = `/node_modules/${name}/`
        const filter = new RegExp(`[\\\\/]node_modules[\\\\/]${name.replace('/', '[\\\\/]')}[\\\\/].*\\.js$`)
        b.onLoad({ filter }, async (args) => {
          const file = args.path.split(path.sep).join('/')
          const pkgDir = file.slice(0, file.lastIndexOf(segment) + segment.length - 1)
          found.set(name, pkgDir)
          const rel = path.posix.relative(pkgDir, path.posix.dirname(file))
          const dir = `__bundleAssets + ${JSON.stringify(`/${name}${rel ? `/${rel}` : ''}`)}`
          const source = await readFile(args.path, 'utf8')
          const contents = source.replaceAll('__dirname', `(${dir})`)
          return { contents, loader: 'js', resolveDir: path.dirname(args.path) }
        })
      }
    }
  }
}

// CommonJS dependencies inside an ES module still need require and __dirname.
const banner = [
  "import { createRequire as __createRequire } from 'node:module'",
  "import { fileURLToPath as __fileURLToPath } from 'node:url'",
  "import { dirname as __pathDirname } from 'node:path'",
  'const require = __createRequire(import.meta.url)',
  'const __filename = __fileURLToPath(import.meta.url)',
  'const __dirname = __pathDirname(__filename)',
  "const __bundleAssets = __dirname + '/assets'"
].join(';')

const entries = process.argv.slice(2)
if (entries.length === 0) {
  process.stderr.write('usage: bundle-entries <compiled entry .js>…\n')
  process.exit(2)
}

await rm(outdir, { recursive: true, force: true })
const assetPackages = new Map()
/**
 * One build per entry, so that entries share no chunk: the image's HEALTHCHECK (healthcheck.mjs) loads a few kB,
 * not the server's code. Within an entry, what it imports only dynamically (the OpenTelemetry SDK, service-kit's
 * tracing-sdk.ts) goes into a chunk of its own, read from disk only when imported: a service with tracing off
 * neither loads nor compiles it.
 */
const buildEntry = (entry) => build({
  entryPoints: [entry],
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  minify: true,
  // an operator who needs readable stack traces runs with NODE_OPTIONS=--enable-source-maps
  sourcemap: 'linked',
  sourcesContent: false,
  external: [...NATIVE, ...ABSENT],
  banner: { js: banner },
  plugins: [assetDirs(assetPackages)],
  metafile: true,
  logLevel: 'warning'
})

/**
 * esbuild makes a chunk for every dynamic import before it drops unused code, so an entry that never starts
 * tracing (healthcheck.mjs) still gets an SDK chunk that nothing imports: only what an entry can reach is kept.
 * A dynamic import's chunk names its module as entryPoint too: the root is the output of the entry itself.
 */
function reachable (outputs, entry) {
  const reach = Object.keys(outputs).filter((file) => outputs[file].entryPoint === entry)
  const kept = new Set(reach)
  for (const file of reach) {
    for (const { path: imported } of outputs[file].imports) {
      if (outputs[imported] && !kept.has(imported)) {
        kept.add(imported)
        reach.push(imported)
      }
    }
  }
  return kept
}

const written = new Set()
const outputs = {}
for (const entry of entries) {
  const built = (await buildEntry(entry)).metafile.outputs
  for (const file of Object.keys(built)) written.add(file)
  for (const file of reachable(built, entry)) outputs[file] = built[file]
}
// two builds may write the same chunk (same content, same name): removed only when no entry reaches it
for (const file of [...written].filter((f) => f.endsWith('.mjs') && !outputs[f])) {
  await rm(file, { force: true })
  await rm(`${file}.map`, { force: true })
}

const used = new Set(Object.values(outputs).flatMap((o) => o.imports.map((i) => i.path)))
const copied = new Set()
for (const name of NATIVE.filter((n) => used.has(n))) await copyPackage(name, require, copied)
for (const [name, dir] of assetPackages) {
  for (const sub of ASSETS[name]) {
    await mkdir(path.join(outdir, 'assets', name), { recursive: true })
    await cp(path.join(dir, sub), path.join(outdir, 'assets', name, sub), { recursive: true, dereference: true })
  }
}
const sizes = Object.entries(outputs)
  .filter(([file]) => file.endsWith('.mjs') && !file.includes('/getMachineId-'))
  .map(([file, o]) => `${path.basename(file)} ${(o.bytes / 1024).toFixed(0)} kB`)
process.stdout.write(`bundle/: ${sizes.join(', ')}${copied.size ? `; node_modules: ${[...copied].join(', ')}` : ''}\n`)
