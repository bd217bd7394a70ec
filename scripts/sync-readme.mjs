#!/usr/bin/env node
// Copies each file named by a `<!-- snippet: path -->` marker into the README's code block below it,
// rewriting repo-relative imports to the package names their comments give. test/readme checks the result.
import { readFileSync, writeFileSync } from 'node:fs'

const readme = readFileSync('README.md', 'utf8')
const updated = readme.replace(/(<!-- snippet: (\S+) -->\n```\w*\n)[\s\S]*?\n```/g, (_all, head, path) => {
  const source = readFileSync(path, 'utf8').replace(/'[./]+[^']*' \/\/ in your app: from '([^']+)'/g, "'$1'").trimEnd()
  return `${head}${source}\n\`\`\``
})
writeFileSync('README.md', updated)
console.log(updated === readme ? 'README snippets already in sync' : 'README snippets updated')
