import { build } from 'esbuild'

/**
 * Bundles a browser entry (TypeScript or TSX, with its npm imports) into one ES module, in memory, with the
 * esbuild the project already has: no CDN, no dev server. JSX follows tsconfig.json (`react-jsx`).
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"' },
  })
  const [output] = result.outputFiles
  if (output === undefined) throw new Error(`esbuild produced no output for ${entry}`)
  return output.text
}
