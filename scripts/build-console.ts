import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const CONSOLE = path.join(__dirname, '..', 'console');
export const CONSOLE_DIST = path.join(CONSOLE, 'dist');

/** Bundles the operator console (console/src) with its page and styles into console/dist, which the API serves under /console. */
export async function buildConsole(): Promise<void> {
  await mkdir(CONSOLE_DIST, { recursive: true });
  await build({
    entryPoints: [path.join(CONSOLE, 'src', 'main.ts')],
    outfile: path.join(CONSOLE_DIST, 'app.js'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  await Promise.all(['index.html', 'style.css'].map((file) => copyFile(path.join(CONSOLE, file), path.join(CONSOLE_DIST, file))));
}

if (require.main === module) {
  buildConsole().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
