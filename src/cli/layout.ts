import { posix } from 'node:path'

/** Where generated files go, relative to the project root; `--dir` moves the whole folder. */
export const DEFAULT_DIR = 'src/broadcasting'

/** A file a generator wants to write: its path relative to the project root, and its text. */
export interface GeneratedFile {
  readonly path: string
  readonly contents: string
}

/** The install layout under `dir`: one file or folder per kind, like Laravel's channels file and Events folder. */
export function layoutOf(dir: string) {
  const at = (...parts: string[]) => posix.join(dir, ...parts)
  return {
    channelsFile: at('channels.ts'),
    configFile: at('config.ts'),
    testFile: at('broadcasting.test.ts'),
    eventsDir: at('events'),
    event: (kebab: string) => at('events', `${kebab}.ts`),
    channel: (kebab: string) => at('channels', `${kebab}.ts`),
    listener: (kebab: string) => at('listeners', `${kebab}.ts`),
  }
}
