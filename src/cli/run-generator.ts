import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { InvalidCommandError } from './command-error.js'
import { layoutOf, type GeneratedFile } from './layout.js'
import { toKebabCase, validateChannelPattern, validateClassName } from './names.js'
import { parseCommand, type GeneratorCommand, type ParsedCommand } from './parse-command.js'
import { channelFile } from './templates/channel.js'
import { eventFile, type EventVisibility } from './templates/event.js'
import { installFiles } from './templates/install.js'
import { listenerFile } from './templates/listener.js'
import { writeGenerated, type OnExisting } from './write-files.js'

/** Where a generator writes and reports. */
export interface GeneratorContext {
  /** The project root the paths are relative to (the working directory of `npx herald`). */
  readonly cwd: string
  readonly print: (line: string) => void
}

/**
 * Runs `herald install` or `herald make:*` with the arguments after the command name, and resolves to the exit
 * code. Bad input rejects with {@link InvalidCommandError} before any file is written.
 */
export async function runGenerator(command: GeneratorCommand, argv: readonly string[], context: GeneratorContext): Promise<number> {
  const parsed = parseCommand(command, argv)
  const { files, onExisting, next } = plan(parsed, context.cwd)
  const outcomes = await writeGenerated(context.cwd, files, { force: parsed.force, onExisting })
  for (const { path, status } of outcomes) {
    context.print(`${status.padEnd(11)} ${path}${status === 'kept' ? '  (exists; --force overwrites)' : ''}`)
  }
  context.print('')
  for (const line of next) context.print(line)
  return 0
}

interface Plan {
  readonly files: GeneratedFile[]
  readonly onExisting: OnExisting
  /** What to do next, printed after the file list. */
  readonly next: readonly string[]
}

function plan(parsed: ParsedCommand, cwd: string): Plan {
  const layout = layoutOf(parsed.dir)
  switch (parsed.command) {
    case 'install':
      return {
        files: installFiles(parsed.dir),
        onExisting: 'keep',
        next: [
          'Next:',
          `  1. Mount Herald and your channel rules: \`await app.register(herald)\`, then \`registerChannels(app.herald.channels)\` (from ${layout.channelsFile}).`,
          '  2. Generate an event: `npx herald make:event OrderShipped --private --channel "orders.{orderId}"`.',
          `  3. Run the test: \`node --import tsx --test ${layout.testFile}\`.`,
        ],
      }
    case 'make:event': {
      const name = validateClassName('make:event', parsed.name)
      const visibility = eventVisibility(parsed)
      const channel = stringFlag(parsed, 'channel') ?? toKebabCase(name).replace(/-/g, '.')
      const params = validateChannelPattern('make:event', channel, { allowWildcard: false })
      return {
        files: [eventFile(parsed.dir, { name, visibility, channel, params })],
        onExisting: 'refuse',
        next: [`Dispatch it: \`await app.herald.events.dispatch(new ${name}(${params.join(', ')}))\`.`],
      }
    }
    case 'make:channel': {
      const name = validateClassName('make:channel', parsed.name)
      const pattern = stringFlag(parsed, 'channel') ?? `${toKebabCase(name.replace(/Channel$/, '') || name).replace(/-/g, '.')}.{id}`
      validateChannelPattern('make:channel', pattern, { allowWildcard: true })
      requireFile(cwd, layout.channelsFile, 'make:channel', 'its user type comes from there; run `npx herald install` first (or pass the same --dir)')
      return {
        files: [channelFile(parsed.dir, { name, pattern })],
        onExisting: 'refuse',
        next: [`Register it in ${layout.channelsFile}: \`channels.channel(${name}.pattern, new ${name}())\`.`],
      }
    }
    case 'make:listener': {
      const name = validateClassName('make:listener', parsed.name)
      const event = validateClassName('make:listener --event', stringFlag(parsed, 'event'))
      requireFile(cwd, layout.event(toKebabCase(event)), 'make:listener', `run \`npx herald make:event ${event}\` first (or pass the same --dir)`)
      return {
        files: [listenerFile(parsed.dir, { name, event })],
        onExisting: 'refuse',
        next: [`Register it: \`events.listen(${event}, ${name.charAt(0).toLowerCase()}${name.slice(1)})\`.`],
      }
    }
  }
}

function eventVisibility(parsed: ParsedCommand): EventVisibility {
  if (parsed.flags['private'] === true && parsed.flags['presence'] === true) {
    throw new InvalidCommandError('make:event: choose one of --private and --presence')
  }
  if (parsed.flags['presence'] === true) return 'presence'
  return parsed.flags['private'] === true ? 'private' : 'public'
}

function stringFlag(parsed: ParsedCommand, name: string): string | undefined {
  const value = parsed.flags[name]
  return typeof value === 'string' ? value : undefined
}

function requireFile(cwd: string, path: string, command: string, why: string): void {
  if (!existsSync(resolve(cwd, path))) throw new InvalidCommandError(`${command}: ${path} does not exist; ${why}`)
}
