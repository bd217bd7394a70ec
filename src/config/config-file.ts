import { existsSync, readFileSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { HeraldError, HeraldErrorCode, InvalidConfigError } from '../domain/errors.js'
import type { Env } from './env.js'
import { loadConfig } from './load-config.js'
import type { HeraldConfig, HeraldConfigInput } from './schema.js'

/** The files `herald serve` looks for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = ['herald.config.ts', 'herald.config.mjs', 'herald.config.js', 'herald.config.json'] as const

const EXTENSIONS = new Set(['.ts', '.mts', '.mjs', '.js', '.json'])

/** The first of {@link CONFIG_FILE_NAMES} present in `cwd`, as an absolute path. */
export function findConfigFile(cwd: string = process.cwd()): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path))
}

/**
 * Reads a config file: JSON, or a module whose default export is the config (an object, or a function
 * returning one). TypeScript files are loaded through `tsx`.
 * @throws InvalidConfigError naming the file when it is missing, unreadable or exports no object.
 */
export async function readConfigFile(path: string): Promise<HeraldConfigInput> {
  const file = resolve(path)
  const fail = (message: string, cause?: unknown): never => {
    throw new InvalidConfigError([{ path: '(file)', message }], cause === undefined ? { source: file } : { source: file, cause })
  }
  const extension = extname(file)
  if (!EXTENSIONS.has(extension)) fail(`unsupported extension '${extension}'; expected one of ${[...EXTENSIONS].join(', ')}`)
  if (!existsSync(file)) fail('file not found')
  let value: unknown
  try {
    value = extension === '.json' ? JSON.parse(readFileSync(file, 'utf8')) : await importModule(file, extension)
  } catch (err) {
    fail(`could not be loaded: ${err instanceof Error ? err.message : String(err)}`, err)
  }
  if (typeof value === 'function') value = await (value as () => unknown)()
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`expected ${extension === '.json' ? 'a JSON object' : 'a default export of defineConfig({...})'} (got ${Array.isArray(value) ? 'an array' : typeof value})`)
  }
  return value as HeraldConfigInput
}

async function importModule(file: string, extension: string): Promise<unknown> {
  const url = pathToFileURL(file).href
  let mod: { default?: unknown }
  if (extension === '.ts' || extension === '.mts') {
    // Node 20 cannot load TypeScript itself; tsx (a dev dependency of most TypeScript projects) can.
    const tsx = await import('tsx/esm/api').catch((err: unknown) => {
      throw new Error(`loading a TypeScript config needs the 'tsx' package (npm i -D tsx), or use herald.config.mjs or .json`, { cause: err })
    })
    mod = (await tsx.tsImport(url, import.meta.url)) as { default?: unknown }
  } else {
    mod = (await import(url)) as { default?: unknown }
  }
  return mod.default
}

/** Inputs of {@link loadConfigFile}. */
export interface LoadConfigFileOptions {
  /** The file (`--config`); without it, the first of {@link CONFIG_FILE_NAMES} in `cwd`, if any. */
  readonly file?: string | undefined
  /** @default process.cwd() */
  readonly cwd?: string
  /** @default process.env */
  readonly env?: Env
  /** Applied over the file's `server` (the CLI's `--host` and `--port`). */
  readonly server?: HeraldConfigInput['server']
}

/** What {@link loadConfigFile} found. */
export interface LoadedConfigFile {
  readonly config: Readonly<HeraldConfig>
  /** The file's object with the overrides applied: what `loadConfig` was given. */
  readonly input: HeraldConfigInput
  /** The file used, or undefined when there was none (env and defaults only). */
  readonly file: string | undefined
}

/**
 * The config file (if any), then the environment, then defaults, key by key: `loadConfig` over the
 * file's object. An invalid file fails with one {@link InvalidConfigError} listing every bad key and naming the file.
 */
export async function loadConfigFile(options: LoadConfigFileOptions = {}): Promise<LoadedConfigFile> {
  const file = options.file === undefined ? findConfigFile(options.cwd) : resolve(options.cwd ?? process.cwd(), options.file)
  const fromFile = file === undefined ? {} : await readConfigFile(file)
  const input: HeraldConfigInput = options.server === undefined ? fromFile : { ...fromFile, server: { ...fromFile.server, ...options.server } }
  try {
    return { config: loadConfig(input, options.env ?? process.env), input, file }
  } catch (err) {
    if (file === undefined || !HeraldError.is(err, HeraldErrorCode.InvalidConfig)) throw err
    throw new InvalidConfigError((err as InvalidConfigError).issues, { source: file })
  }
}
