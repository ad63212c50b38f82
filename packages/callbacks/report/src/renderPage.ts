import { formatBytes, formatNumber } from './format.js';
import { markup, rawHtml, type SafeHtml } from './html.js';
import { imageMediaType } from './imageTypes.js';
import type { ReportBlock, ReportCell, ReportSection, ReportTable } from './reportSection.js';
import { REPORT_STYLES } from './reportStyles.js';
import { insideRunPath, type RunFiles } from './runFiles.js';

/**
 * No request may leave the page: images are `data:` URIs and styles inline, and this policy makes the browser
 * refuse anything else, should it ever slip in.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/** A whole report page: heading, table of contents and the sections, styles inline. */
export function renderPage(page: {
  readonly title: string;
  readonly subtitle: string;
  readonly sections: readonly { readonly id: string; readonly title: string; readonly body: SafeHtml }[];
}): string {
  const nav = page.sections.map((section) => markup`<a href="#${section.id}">${section.title}</a>`);
  const sections = page.sections.map(
    (section) => markup`<section id="${section.id}">
<h2>${section.title}</h2>
${section.body}</section>
`,
  );
  const document = markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>${page.title}</title>
<style>${rawHtml(REPORT_STYLES)}</style>
</head>
<body>
<header>
<h1>${page.title}</h1>
<p class="subtitle">${page.subtitle}</p>
<nav>${nav}</nav>
</header>
<main>
${sections}</main>
</body>
</html>
`;
  return document.toString();
}

/** A run-relative path as a relative URL: each segment percent-encoded (`epoch=0` → `epoch%3D0`). */
export function fileHref(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export interface RenderOptions {
  /** Images larger than this are linked instead of embedded. */
  readonly maxInlineBytes: number;
}

/** A section's body: description and blocks, images read from the run directory and embedded. */
export async function renderSectionBody(
  section: ReportSection,
  files: RunFiles,
  options: RenderOptions,
): Promise<SafeHtml> {
  const blocks: SafeHtml[] = [];
  for (const block of section.blocks) blocks.push(await renderBlock(block, files, options));
  const description =
    section.description === undefined ? '' : markup`<p class="description">${section.description}</p>`;
  return markup`${description}${blocks}`;
}

async function renderBlock(block: ReportBlock, files: RunFiles, options: RenderOptions): Promise<SafeHtml> {
  switch (block.kind) {
    case 'text':
      return markup`<p>${block.text}</p>\n`;
    case 'code': {
      const caption =
        block.caption === undefined ? '' : markup`<p class="code-caption">${block.caption}</p>\n`;
      return markup`${caption}<pre>${block.text}</pre>\n`;
    }
    case 'table':
      return renderTable(block.table);
    case 'files': {
      const items = block.paths.map((path) => markup`<li>${fileLink(path)}</li>`);
      return markup`<ul class="files">${items}</ul>\n`;
    }
    case 'image':
      return renderImage(block.path, block.caption, files, options);
  }
}

/** A table; `rowClasses` gives a row a class (`best` highlights it). */
export function renderTable(table: ReportTable, rowClasses?: readonly (string | undefined)[]): SafeHtml {
  const head = table.columns.map((column) => markup`<th>${column}</th>`);
  const rows = table.rows.map((row, index) => {
    const rowClass = rowClasses?.[index];
    const rowOpen = rowClass === undefined ? markup`<tr>` : markup`<tr class="${rowClass}">`;
    return markup`${rowOpen}${row.map(renderCell)}</tr>\n`;
  });
  const caption = table.caption === undefined ? '' : markup`<caption>${table.caption}</caption>`;
  const open = table.facts === true ? markup`<table class="facts">` : markup`<table>`;
  return markup`<div class="table-wrap">${open}${caption}
<thead><tr>${head}</tr></thead>
<tbody>
${rows}</tbody>
</table></div>
`;
}

function renderCell(cell: ReportCell): SafeHtml {
  if (typeof cell === 'number')
    return markup`<td class="num" title="${String(cell)}">${formatNumber(cell)}</td>`;
  if (cell === null) return markup`<td></td>`;
  if (typeof cell === 'object') return markup`<td>${fileLink(cell.file, cell.text)}</td>`;
  return markup`<td>${String(cell)}</td>`;
}

/** A link to a file of the run; a path that leaves the run directory is shown, not linked. */
export function fileLink(path: string, text: string = path): SafeHtml {
  const inside = insideRunPath(path);
  return inside === undefined ? markup`${text}` : markup`<a href="${fileHref(inside)}">${text}</a>`;
}

async function renderImage(
  path: string,
  caption: string | undefined,
  files: RunFiles,
  options: RenderOptions,
): Promise<SafeHtml> {
  const inside = insideRunPath(path);
  const mediaType = imageMediaType(path);
  if (inside === undefined || mediaType === undefined)
    return markup`<p class="missing">${path}: not an image file inside the run directory</p>\n`;
  const info = await files.stat(inside);
  if (info === undefined || info.isDirectory) return markup`<p class="missing">${inside}: missing</p>\n`;
  const label = markup`${caption === undefined ? '' : markup`${caption} `}${fileLink(inside)}`;
  if (info.size > options.maxInlineBytes) {
    return markup`<p>${label} (${formatBytes(info.size)}, too large to embed)</p>\n`;
  }
  const bytes = await files.bytes(inside);
  if (bytes === undefined) {
    return markup`<p class="missing">${inside}: ${files.refused.get(inside) ?? 'missing'}</p>\n`;
  }
  // An SVG shown through <img> is a static picture: its scripts and event handlers never run.
  const source = `data:${mediaType};base64,${bytes.toString('base64')}`;
  return markup`<figure><img src="${source}" alt="${caption ?? inside}"><figcaption>${label}</figcaption></figure>\n`;
}
