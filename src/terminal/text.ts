import { type Doc, type DocBlock, plain } from '../present/doc.js';
import { visible } from '../present/visible.js';

function lines(b: DocBlock): string[] {
  switch (b.type) {
    case 'header':
      return [b.text, '='.repeat(Math.min(b.text.length, 72))];
    case 'text':
      return [plain(b.parts)];
    case 'context':
      return [`  ${plain(b.parts)}`];
    case 'divider':
      return [''];
    case 'code':
      return [b.text.trimEnd()];
    case 'buttons':
      return [];
    case 'fields': {
      const width = Math.max(...b.fields.map((f) => f.label.length));
      return b.fields.map((f) => `  ${`${f.label}:`.padEnd(width + 2)}${plain(f.value)}`);
    }
    case 'items':
      return b.items.flatMap((item) => [...item.flatMap(lines), '']);
  }
}

/** Write a document as plain text for a terminal: everything shown, nothing cut. */
export function toText(doc: Doc): string {
  // Outside text is shown as it is, hidden controls included: ⟨U+202E⟩ rather than reversed text.
  return `${visible(
    doc.blocks
      .flatMap(lines)
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd(),
  )}\n`;
}
