// Preloaded with `node --import ./tools/device/traceLoadedFiles.mjs <script>`: at exit, writes every file the
// process loaded from node_modules or packages/*/dist (ES modules through a resolve hook, CommonJS modules and
// native addons from require's cache) to $TRACE_LOADED_FILES, one path per line. make-bundle.sh packs exactly
// those, so the GPU machine gets a node_modules a few MB large instead of the whole install.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.TRACE_LOADED_FILES;
if (out === undefined) throw new Error('set TRACE_LOADED_FILES to the file that receives the list');
writeFileSync(out, '');
register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url.startsWith('file:')) appendFileSync(${JSON.stringify(out)}, fileURLToPath(resolved.url) + '\\n');
  return resolved;
}`)}`,
);
const require = createRequire(import.meta.url);
process.on('exit', () => {
  appendFileSync(out, Object.keys(require.cache).join('\n') + '\n');
});
