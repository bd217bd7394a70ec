import { HeraldError, HeraldErrorCode } from '../domain/errors.js'

/** Bad input to a `herald` command (an invalid name, an unknown option, a file that exists): nothing was written. */
export class InvalidCommandError extends HeraldError {
  constructor(message: string) {
    super(HeraldErrorCode.InvalidCommand, message)
  }
}
