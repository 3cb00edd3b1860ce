import { type Doc, type DocBlock, plain } from '../present/doc.js';
import { visible } from '../present/visible.js';

function lines(b: DocBlock, zone?: string): string[] {
  switch (b.type) {
    case 'header':
      return [b.text, '='.repeat(Math.min(b.text.length, 72))];
    case 'text':
      return [plain(b.parts, zone)];
    case 'context':
      return [`  ${plain(b.parts, zone)}`];
    case 'divider':
      return [''];
    case 'code':
      return [b.text.trimEnd()];
    case 'buttons':
      return [];
    case 'fields': {
      const width = Math.max(...b.fields.map((f) => f.label.length));
      return b.fields.map((f) => `  ${`${f.label}:`.padEnd(width + 2)}${plain(f.value, zone)}`);
    }
    case 'items':
      return b.items.flatMap((item) => [...item.flatMap((x) => lines(x, zone)), '']);
  }
}

/** Write a document as plain text for a terminal: everything shown, nothing cut; times in UTC or `zone`. */
export function toText(doc: Doc, zone?: string): string {
  // Outside text is shown as it is, hidden controls included: ⟨U+202E⟩ rather than reversed text.
  return `${visible(
    doc.blocks
      .flatMap((b) => lines(b, zone))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd(),
  )}\n`;
}
