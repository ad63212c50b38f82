/** The npm package name every engine plugin is registered under. */
export const ENGINE_PACKAGE = '@nextplay/cls-engine';
