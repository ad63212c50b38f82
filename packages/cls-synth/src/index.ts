export { JERSEY_FONTS, jerseyFontFile, useShippedFontsOnly } from './jerseyFonts.js';
export type { JerseyFont } from './jerseyFonts.js';
export { parseNumbers } from './parseNumbers.js';
export { renderJerseyCrop } from './renderJerseyCrop.js';
export type { CropSize } from './renderJerseyCrop.js';
export { SYNTH_HELD_OUT_FRACTION, SYNTH_SPLITS, splitCounts, writeJerseySynth } from './writeJerseySynth.js';
export type { JerseySynthManifest, JerseySynthOptions, SynthSplit } from './writeJerseySynth.js';
export { woffToTtf } from './woffToTtf.js';
