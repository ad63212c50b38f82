/** The report's style sheet, inline in the page: nothing is loaded from anywhere. */
export const REPORT_STYLES = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --band: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg); background: #fff; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 1px solid var(--line); }
h1 { font-size: 24px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 0 0 8px; padding-top: 24px; }
.subtitle { color: var(--muted); margin: 0 0 12px; overflow-wrap: anywhere; }
nav { display: flex; flex-wrap: wrap; gap: 4px 16px; padding-bottom: 12px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
section { padding-bottom: 12px; border-bottom: 1px solid var(--line); }
.description { color: var(--muted); margin: 0 0 8px; }
.table-wrap { max-height: 520px; overflow: auto; margin: 8px 0; border: 1px solid var(--line); border-radius: 6px;
  width: fit-content; max-width: 100%; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 6px 8px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
thead th { position: sticky; top: 0; background: var(--band); white-space: nowrap; overflow-wrap: normal; }
td.num { text-align: right; white-space: nowrap; }
.facts td.num { text-align: left; }
.facts td:first-child { font-weight: 600; white-space: nowrap; }
tr.best td { background: #dafbe1; }
pre { background: var(--band); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; max-height: 420px;
  overflow: auto; font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.code-caption { font-weight: 600; margin: 8px 0 0; }
figure { margin: 12px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
figcaption { color: var(--muted); }
ul.files { margin: 4px 0 8px; padding-left: 20px; columns: 3 260px; }
.missing { color: #9a6700; }
`;
