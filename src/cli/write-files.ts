import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { InvalidCommandError } from './command-error.js'
import type { GeneratedFile } from './layout.js'

/** What happened to one generated file. */
export interface WriteOutcome {
  readonly path: string
  readonly status: 'created' | 'overwritten' | 'kept'
}

/** What to do with a file that exists: `keep` it (install), or `refuse` the whole command (make:*). `--force` overwrites. */
export type OnExisting = 'keep' | 'refuse'

/**
 * Writes `files` under `root`. An existing file is never overwritten without `force`: with `refuse`, the
 * command fails before writing anything; with `keep`, that file is left as it is and the others are written.
 */
export async function writeGenerated(root: string, files: readonly GeneratedFile[], options: { force: boolean; onExisting: OnExisting }): Promise<WriteOutcome[]> {
  const existing = files.filter((f) => existsSync(resolve(root, f.path))).map((f) => f.path)
  if (!options.force && options.onExisting === 'refuse' && existing.length > 0) {
    throw new InvalidCommandError(`${existing.join(', ')} already exists; nothing was written (--force overwrites)`)
  }
  const outcomes: WriteOutcome[] = []
  for (const file of files) {
    const target = resolve(root, file.path)
    const exists = existing.includes(file.path)
    if (exists && !options.force) {
      outcomes.push({ path: file.path, status: 'kept' })
      continue
    }
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, file.contents)
    outcomes.push({ path: file.path, status: exists ? 'overwritten' : 'created' })
  }
  return outcomes
}
