// A small Markdown reader for the user guide shown in the app: headings, paragraphs, lists, code blocks, and
// inline code, bold, italics and links. It returns data, not HTML, so the page renders text and never markup.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; text: string }
  | { type: 'em'; text: string }
  | { type: 'link'; text: string; href: string }

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3; text: string; id: string }
  | { type: 'paragraph'; inlines: Inline[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] }
  | { type: 'code'; text: string }

/** `Out of funds` → `out-of-funds`, for heading anchors. */
export function slugOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/** Only web links and in-app routes are followed; anything else (javascript:, data:) stays text. */
function safeHref(href: string): string | null {
  return /^(https?:\/\/|#\/)/.test(href) ? href : null
}

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*|\b_([^_]+)_\b|\[([^\]]+)\]\(([^)\s]+)\)/g

export function parseInline(text: string): Inline[] {
  const out: Inline[] = []
  let last = 0
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push({ type: 'text', text: text.slice(last, m.index) })
    if (m[1] !== undefined) out.push({ type: 'code', text: m[1] })
    else if (m[2] !== undefined) out.push({ type: 'strong', text: m[2] })
    else if (m[3] !== undefined || m[4] !== undefined) out.push({ type: 'em', text: m[3] ?? m[4] ?? '' })
    else {
      const href = safeHref(m[6] ?? '')
      out.push(href === null ? { type: 'text', text: m[5] ?? '' } : { type: 'link', text: m[5] ?? '', href })
    }
    last = m.index + m[0].length
  }
  if (last < text.length) out.push({ type: 'text', text: text.slice(last) })
  return out
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  let paragraph: string[] = []
  let list: { ordered: boolean; items: string[] } | null = null
  const flush = (): void => {
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', inlines: parseInline(paragraph.join(' ')) })
    paragraph = []
    if (list !== null)
      blocks.push({ type: 'list', ordered: list.ordered, items: list.items.map(parseInline) })
    list = null
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.startsWith('```')) {
      flush()
      const code: string[] = []
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('```')) code.push(lines[++i]!)
      i++
      blocks.push({ type: 'code', text: code.join('\n') })
      continue
    }
    const heading = /^(#{1,3})\s+(.*)$/.exec(line)
    if (heading) {
      flush()
      const text = heading[2]!.trim()
      blocks.push({ type: 'heading', level: heading[1]!.length as 1 | 2 | 3, text, id: slugOf(text) })
      continue
    }
    const item = /^\s*(?:([-*])|(\d+)\.)\s+(.*)$/.exec(line)
    if (item) {
      const ordered = item[2] !== undefined
      if (paragraph.length > 0 || (list !== null && list.ordered !== ordered)) flush()
      list ??= { ordered, items: [] }
      list.items.push(item[3]!)
      continue
    }
    if (line.trim() === '') {
      flush()
      continue
    }
    // an indented line continues the list item above it
    if (list !== null && /^\s+\S/.test(line)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`
      continue
    }
    if (list !== null) flush()
    paragraph.push(line.trim())
  }
  flush()
  return blocks
}
