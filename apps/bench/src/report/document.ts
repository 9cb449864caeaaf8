/**
 * A report as a list of blocks, rendered twice: as Markdown (charts as SVG files beside it) and as one
 * self-contained HTML page (charts inline, CSS inline, no scripts). Text may hold `code` spans.
 */
import { esc } from './svg.js';

export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'code'; readonly text: string }
  | {
      readonly kind: 'table';
      readonly header: readonly string[];
      readonly rows: readonly (readonly string[])[];
      readonly numeric?: readonly boolean[];
    }
  | { readonly kind: 'chart'; readonly id: string; readonly title: string; readonly svg: string };

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Markdown; a chart becomes an image link to `<id>.svg` (the caller writes those files). */
export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${b.text}`);
        break;
      case 'paragraph':
        out.push(b.text);
        break;
      case 'note':
        out.push(`> **Note:** ${b.text}`);
        break;
      case 'list':
        out.push(b.items.map((i) => `- ${i}`).join('\n'));
        break;
      case 'code':
        out.push(`\`\`\`sh\n${b.text}\n\`\`\``);
        break;
      case 'table': {
        const align = b.header.map((_, c) => (b.numeric?.[c] ? '---:' : '---'));
        out.push([b.header, align, ...b.rows].map((r) => `| ${r.map(mdCell).join(' | ')} |`).join('\n'));
        break;
      }
      case 'chart':
        out.push(`![${b.title}](${b.id}.svg)`);
        break;
    }
  }
  return `${out.join('\n\n')}\n`;
}

/** Escapes text and turns `code` spans into <code>. */
function inline(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

const CSS = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b; max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: 13px; } th, td { border: 1px solid #ddd; padding: .25rem .55rem; }
th { background: #f5f5f5; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 13px; }
pre { background: #f6f8fa; padding: .8rem 1rem; overflow-x: auto; border-radius: 4px; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: .5rem .9rem; margin: .8rem 0; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
figure { margin: 0; flex: 1 1 480px; max-width: 100%; } figure svg { width: 100%; height: auto; border: 1px solid #eee; }
`;

/** One block's HTML. */
function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}>${inline(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p>${inline(b.text)}</p>`;
    case 'note':
      return `<div class="note">${inline(b.text)}</div>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
    case 'code':
      return `<pre><code>${esc(b.text)}</code></pre>`;
    case 'table': {
      const head = `<tr>${b.header.map((h) => `<th>${inline(h)}</th>`).join('')}</tr>`;
      const rows = b.rows
        .map(
          (r) => `<tr>${r.map((c, i) => `<td${b.numeric?.[i] ? ' class="num"' : ''}>${inline(c)}</td>`).join('')}</tr>`,
        )
        .join('');
      return `<table>${head}${rows}</table>`;
    }
    case 'chart':
      return `<figure id="${esc(b.id)}">${b.svg}</figure>`;
  }
}

/** One self-contained page: inline CSS and SVG, nothing fetched. */
export function toHtml(title: string, blocks: readonly Block[]): string {
  const parts = blocks.map(blockHtml);
  // consecutive charts share a wrapping row
  const body = parts
    .map((html, i) => {
      const chart = blocks[i]!.kind === 'chart';
      const open = chart && blocks[i - 1]?.kind !== 'chart' ? '<div class="charts">' : '';
      const close = chart && blocks[i + 1]?.kind !== 'chart' ? '</div>' : '';
      return `${open}${html}${close}`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
