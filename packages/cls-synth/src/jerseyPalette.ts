/** An sRGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/** Team colours jerseys and numbers are drawn from. */
export const TEAM_COLOURS: readonly Rgb[] = [
  [245, 245, 240], // white
  [20, 20, 24], // black
  [200, 16, 46], // red
  [0, 45, 98], // navy
  [29, 66, 186], // royal blue
  [253, 185, 39], // gold
  [0, 122, 51], // green
  [85, 37, 130], // purple
  [245, 132, 38], // orange
  [134, 140, 150], // silver grey
  [120, 24, 40], // maroon
  [0, 140, 160], // teal
];

/** Court and arena colours behind the player: maple, dark wood, painted keys, dark stands. */
export const COURT_COLOURS: readonly Rgb[] = [
  [214, 168, 112],
  [190, 136, 84],
  [150, 98, 58],
  [40, 70, 140],
  [30, 110, 70],
  [150, 40, 40],
  [60, 60, 66],
  [24, 24, 30],
];

/** Skin tones and sleeve colours for an arm or another player crossing the number. */
export const OCCLUDER_COLOURS: readonly Rgb[] = [
  [241, 194, 160],
  [198, 134, 96],
  [141, 85, 56],
  [90, 56, 38],
  [60, 40, 30],
];

/** Relative luminance (0–1), for picking a number colour that stands out from the jersey. */
export function luminance([r, g, b]: Rgb): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}
