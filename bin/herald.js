#!/usr/bin/env node
// In a checkout (src/ present) runs the TypeScript source through tsx, so a stale dist/ from an old build is
// never what runs; an installed package (dist/ only) runs the built CLI.
import { existsSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const built = join(root, 'dist', 'cli', 'main.js')
const source = join(root, 'src', 'cli', 'main.ts')

if (!existsSync(source)) {
  await import(pathToFileURL(built).href)
} else {
  // Resolved from this file, not the working directory, so `herald serve` works from any folder.
  const tsx = import.meta.resolve('tsx')
  const child = spawn(process.execPath, ['--import', tsx, source, ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: process.cwd(),
  })
  // Forward signals so the server shuts down gracefully instead of being orphaned.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 0)))
}
