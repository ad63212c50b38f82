import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The run's index→class map, beside `.hydra/` in the run directory. */
export const CLASSES_JSON = 'classes.json';

/**
 * `{"0": "<class of index 0>", "1": …}`: what each output of the model means, in label order (torchvision's
 * sorted class folders unless the dataset says otherwise). Checkpoints carry the same list (`classes` in
 * trainer_state.json), which `cls test`, `cls predict` and `cls export` use.
 */
export function classesJson(classes: readonly string[]): string {
  const map: Record<string, string> = {};
  classes.forEach((name, index) => {
    map[String(index)] = name;
  });
  return `${JSON.stringify(map, null, 2)}\n`;
}

export async function writeClassesJson(runDir: string, classes: readonly string[]): Promise<void> {
  await writeFile(join(runDir, CLASSES_JSON), classesJson(classes));
}
