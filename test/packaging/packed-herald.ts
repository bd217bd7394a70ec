import { spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file is `test/packaging/packed-herald.ts`). */
export const REPO = fileURLToPath(new URL('../../', import.meta.url))

/** What {@link packHerald} produced. */
export interface PackedHerald {
  /** Temp folder holding everything below; removed by `dispose`. */
  readonly root: string
  /** A consumer project: `node_modules/herald` is the unpacked tarball. */
  readonly consumer: string
  /** `<consumer>/node_modules/herald`. */
  readonly installed: string
  /** Paths inside the tarball, as `npm pack` listed them. */
  readonly files: readonly string[]
  dispose(): Promise<void>
}

/** Output of a finished child process. */
export interface RunResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command to completion within `timeoutMs` (killed after that), never throwing on a bad exit. */
export function run(command: string, args: readonly string[], options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

/** Like {@link run}, but a non-zero exit is an error quoting the command's output. */
export async function runOk(command: string, args: readonly string[], options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  const result = await run(command, args, options)
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code ?? result.signal}\n${result.stdout}\n${result.stderr}`)
  }
  return result
}

/** The repository's TypeScript compiler (the pinned major), run without npx so no network or prompts. */
export const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc')

/**
 * Builds Herald the way `npm run build` does, but into a temp folder (the repo's `dist/` may be in
 * use by a concurrent run), packs it with `npm pack` so the `files` field is what decides the
 * contents, and unpacks the tarball into a consumer's `node_modules/herald`. Dependencies resolve
 * through a symlink to the repository's `node_modules`: no registry, no network.
 */
export async function packHerald(): Promise<PackedHerald> {
  const root = await mkdtemp(join(tmpdir(), 'herald-pack-'))
  const dispose = (): Promise<void> => rm(root, { recursive: true, force: true })
  try {
    const staging = join(root, 'staging')
    await mkdir(staging)
    await runOk(process.execPath, [TSC, '-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(staging, 'dist')], { cwd: REPO, timeoutMs: 90_000 })
    await cp(join(REPO, 'package.json'), join(staging, 'package.json'))
    await cp(join(REPO, 'bin'), join(staging, 'bin'), { recursive: true })
    // Decoys: present in a checkout, must stay out of the tarball (the `files` field decides).
    await cp(join(REPO, 'tsconfig.json'), join(staging, 'tsconfig.json'))
    await mkdir(join(staging, 'src'))
    await cp(join(REPO, 'src', 'index.ts'), join(staging, 'src', 'index.ts'))

    // --ignore-scripts: `prepack` would rebuild into staging/dist, which is what we just did.
    const packed = await runOk('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], { cwd: staging, timeoutMs: 60_000 })
    const [report] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }]

    const consumer = join(root, 'consumer')
    const installed = join(consumer, 'node_modules', 'herald')
    await mkdir(installed, { recursive: true })
    await runOk('tar', ['-xzf', join(root, report.filename), '-C', installed, '--strip-components=1'], { cwd: root, timeoutMs: 30_000 })
    await symlink(join(REPO, 'node_modules'), join(installed, 'node_modules'), 'dir')
    // The consumer's own type check needs @types/node, as any TypeScript app on Node would.
    await symlink(join(REPO, 'node_modules', '@types'), join(consumer, 'node_modules', '@types'), 'dir')
    return { root, consumer, installed, files: report.files.map((f) => f.path), dispose }
  } catch (err) {
    await dispose()
    throw err
  }
}
