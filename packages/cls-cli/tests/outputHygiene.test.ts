import { describe, expect, it } from 'vitest';
import { formatPredictions } from '../src/formatPredictions.js';
import { formatResults } from '../src/formatResults.js';
import { formatTestResults } from '../src/formatTestResults.js';
import { predictionsCsv, type ImagePrediction } from '../src/predictionsCsv.js';

/** Any character a terminal acts on, newline aside (the tables are several lines). */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

const CLEAR_SCREEN = '\u001b[2J\u001b[H';
const SET_TITLE = '\u001b]0;pwned\u0007';

function prediction(name: string, ...classes: string[]): ImagePrediction {
  return {
    name,
    scores: classes.map((className, i) => ({ index: i, name: className, confidence: 0.5 / (i + 1) })),
  };
}

describe('predictionsCsv', () => {
  it('quotes cells a spreadsheet would run as formulas, with a leading quote, as OWASP recommends', () => {
    const csv = predictionsCsv(
      [
        prediction('=1+2.png', '=HYPERLINK("http://evil.example","open")', '+cmd'),
        prediction('-x.png', '@SUM(A1)', '\tTAB'),
        prediction('\rcr.png', 'cat', 'a,b'),
      ],
      2,
    );
    expect(csv).toBe(
      [
        'path,class,confidence,class_2,confidence_2',
        `"'=1+2.png","'=HYPERLINK(""http://evil.example"",""open"")",0.500000,"'+cmd",0.250000`,
        `"'-x.png","'@SUM(A1)",0.500000,"'\tTAB",0.250000`,
        `"'\rcr.png",cat,0.500000,"a,b",0.250000`,
        '',
      ].join('\r\n'),
    );
  });

  it('keeps every other cell as before', () => {
    const csv = predictionsCsv(
      [prediction('dog 1.png', 'golden_retriever'), prediction('a"b.png', 'x=y')],
      1,
    );
    expect(csv).toBe(
      'path,class,confidence\r\ndog 1.png,golden_retriever,0.500000\r\n"a""b.png",x=y,0.500000\r\n',
    );
  });
});

describe('terminal output', () => {
  it('prints image and class names with their control characters escaped, the table still aligned', () => {
    const text = formatPredictions(
      [prediction(`${CLEAR_SCREEN}a.png`, `cat${SET_TITLE}`), prediction('b.png', 'dog\rfake')],
      1,
      '/tmp/out/p.csv',
    );
    expect(text).not.toMatch(CONTROL);
    const lines = text.split('\n');
    expect(lines[1]).toBe('\\x1b[2J\\x1b[Ha.png  cat\\x1b]0;pwned\\x07  0.5000');
    expect(lines[2]).toBe(`b.png${' '.repeat(15)}dog\\x0dfake${' '.repeat(10)}0.5000`);
    expect(lines[3]).toBe('Predictions for 2 images written to /tmp/out/p.csv');
  });

  it('escapes class names in the test tables', () => {
    const metrics = { precision: 1, recall: 0.5, f1: 0.6667, support: 2 };
    const classes = [`evil${CLEAR_SCREEN}`, 'ok', 'rtl\u202eexe.txt'];
    const text = formatTestResults(
      { 'test/acc': 0.5 },
      Object.fromEntries(classes.map((name) => [name, metrics])),
      classes,
    );
    expect(text).not.toMatch(CONTROL);
    expect(text).toContain('│ evil\\x1b[2J\\x1b[H │');
    expect(text).toContain('│ rtl\\u202eexe.txt  │');
    const classTable = text
      .slice(text.lastIndexOf('┏'))
      .split('\n')
      .filter((line) => line !== '');
    expect(classTable).toHaveLength(7);
    expect(new Set(classTable.map((line) => line.length)).size).toBe(1);
  });

  it('escapes text in the closing summary', () => {
    const text = formatResults(
      { 'test/acc': 0.25, best_model_path: `/runs/${SET_TITLE}/best`, backend: 'wasm' },
      '/runs/\u001b[31mred',
    );
    expect(text).not.toMatch(CONTROL);
    expect(text).toContain('best_model_path  /runs/\\x1b]0;pwned\\x07/best');
    expect(text).toContain('Results (/runs/\\x1b[31mred/results.json):');
  });
});
