import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { mkdir, writeFile } from 'node:fs/promises';
import type { RenderedFile } from './render';

/**
 * Writes rendered files under `workspacePath/targetPath`. Every path is resolved with
 * `resolveSafeChildPath`, which throws when it would leave the workspace (`..`,
 * absolute paths, symlinks pointing out).
 *
 * @returns the written paths, relative to the workspace
 */
export async function writeRenderedFiles(
  workspacePath: string,
  targetPath: string,
  files: RenderedFile[],
): Promise<string[]> {
  const directory = resolveSafeChildPath(workspacePath, targetPath);
  await mkdir(directory, { recursive: true });
  const written: string[] = [];
  for (const file of files) {
    const path = resolveSafeChildPath(directory, file.path);
    await writeFile(path, file.content, 'utf8');
    written.push(
      targetPath === '.'
        ? file.path
        : `${targetPath.replace(/\/+$/, '')}/${file.path}`,
    );
  }
  return written;
}
