import { Type } from 'typebox'

/** `server.tls`: PEM files that make `herald serve` speak `https://` and `wss://`. */
export const TlsSchema = Type.Object(
  {
    cert: Type.String({ minLength: 1, description: 'Path of the PEM certificate (chain) file (HERALD_TLS_CERT).' }),
    key: Type.String({ minLength: 1, description: 'Path of the PEM private key file (HERALD_TLS_KEY).' }),
  },
  { additionalProperties: false },
)
