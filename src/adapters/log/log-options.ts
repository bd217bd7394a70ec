import { Type, type Static } from 'typebox'

/** Options of the `log` driver: one structured line per broadcast, through the configured logger. */
export const LogOptionsSchema = Type.Object(
  {
    level: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn')], {
      default: 'info',
      description: "Level of each broadcast line. @default 'info'",
    }),
  },
  { additionalProperties: false },
)

/** Validated options of the `log` driver. */
export type LogOptions = Static<typeof LogOptionsSchema>
