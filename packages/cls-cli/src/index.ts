export { runCli, EXIT_INTERNAL_ERROR, EXIT_USAGE, EXIT_USER_ERROR } from './runCli.js';
export { EXIT_INTERRUPTED } from './commands/train.js';
export { builtinPlugins, createBuiltinRegistry } from './builtinPlugins.js';
export { builtinConfigDir, configSearchPath } from './configDirs.js';
export type { CliIo } from './cliIo.js';
export { BasicLauncher, basicLauncherPlugin } from './launchers/basicLauncher.js';
export { acceptRelayedInterrupts } from './interruptSignal.js';
export { superviseCli } from './superviseCli.js';
