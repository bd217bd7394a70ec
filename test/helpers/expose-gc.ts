import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * Returns V8's `gc()` without needing `--expose-gc` on the command line. node:test runs each file in its
 * own process, so exposing it affects only the file that calls this.
 */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}
