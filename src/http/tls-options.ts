import { readFileSync } from 'node:fs'
import type { HeraldConfig } from '../config/schema.js'
import { InvalidConfigError, type ConfigIssue } from '../domain/errors.js'

/** Node's `https` options from `server.tls` (PEM file paths), or undefined to serve plain HTTP. */
export function httpsOptionsFor(tls: HeraldConfig['server']['tls']): { cert: Buffer; key: Buffer } | undefined {
  if (tls === undefined) return undefined
  const issues: ConfigIssue[] = []
  const read = (key: 'cert' | 'key'): Buffer => {
    try {
      return readFileSync(tls[key])
    } catch (err) {
      issues.push({ path: `server.tls.${key}`, message: `cannot read ${JSON.stringify(tls[key])}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` })
      return Buffer.alloc(0)
    }
  }
  const options = { cert: read('cert'), key: read('key') }
  if (issues.length > 0) throw new InvalidConfigError(issues)
  return options
}
