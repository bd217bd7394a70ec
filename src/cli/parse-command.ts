import { parseArgs, type ParseArgsConfig } from 'node:util'
import { InvalidCommandError } from './command-error.js'
import { DEFAULT_DIR } from './layout.js'

/** The generator command names. */
export type GeneratorCommand = 'install' | 'make:event' | 'make:channel' | 'make:listener'

/** The generator commands `herald` knows, with the options each accepts (besides --dir and --force). */
export const GENERATOR_OPTIONS: Record<GeneratorCommand, NonNullable<ParseArgsConfig['options']>> = {
  install: {},
  'make:event': { private: { type: 'boolean' }, presence: { type: 'boolean' }, channel: { type: 'string' } },
  'make:channel': { channel: { type: 'string' } },
  'make:listener': { event: { type: 'string' } },
}


/** A parsed generator command line. */
export interface ParsedCommand {
  readonly command: GeneratorCommand
  readonly name: string | undefined
  readonly dir: string
  readonly force: boolean
  readonly flags: Readonly<Record<string, string | boolean | undefined>>
}

export function isGeneratorCommand(command: string | undefined): command is GeneratorCommand {
  return command !== undefined && Object.hasOwn(GENERATOR_OPTIONS, command)
}

/** Parses `argv` (after the command name) strictly: an unknown option or a stray argument is an error naming it. */
export function parseCommand(command: GeneratorCommand, argv: readonly string[]): ParsedCommand {
  let parsed: { values: Record<string, string | boolean | Array<string | boolean> | undefined>; positionals: string[] }
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { ...GENERATOR_OPTIONS[command], dir: { type: 'string' }, force: { type: 'boolean' } },
    })
  } catch (error) {
    throw new InvalidCommandError(`${command}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const maxPositionals = command === 'install' ? 0 : 1
  if (parsed.positionals.length > maxPositionals) {
    throw new InvalidCommandError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`)
  }
  const { dir, force, ...rest } = parsed.values
  // No option is declared `multiple`, so every value is a string or a boolean.
  const flags = rest as Record<string, string | boolean | undefined>
  if (dir !== undefined && (typeof dir !== 'string' || dir.trim() === '')) throw new InvalidCommandError(`${command} --dir needs a folder, e.g. --dir src/realtime`)
  return { command, name: parsed.positionals[0], dir: typeof dir === 'string' ? dir : DEFAULT_DIR, force: force === true, flags }
}
