#!/usr/bin/env node
// Runs the built CLI when present (an installed package), else the TypeScript source through tsx (this repo).
import { existsSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const built = join(root, 'dist', 'http', 'cli.js')

if (existsSync(built)) {
  await import(built)
} else {
  // Resolved from this file, not the working directory, so `herald serve` works from any folder.
  const tsx = import.meta.resolve('tsx')
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'src', 'http', 'cli.ts'), ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: process.cwd(),
  })
  // Forward signals so the server shuts down gracefully instead of being orphaned.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 0)))
}
