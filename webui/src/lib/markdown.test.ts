import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseInline, parseMarkdown } from './markdown.js'

describe('markdown for the guide', () => {
  it('reads headings, paragraphs, lists with continued lines, and code blocks', () => {
    const blocks = parseMarkdown(
      '# Guide\n\nSome text\nacross lines.\n\n1. First\n   still first\n2. Second\n\n```\nnpm start\n```\n## Out of funds\n- a\n- b\n'
    )
    assert.deepEqual(
      blocks.map((b) => b.type),
      ['heading', 'paragraph', 'list', 'code', 'heading', 'list']
    )
    assert.deepEqual(blocks[1], {
      type: 'paragraph',
      inlines: [{ type: 'text', text: 'Some text across lines.' }]
    })
    const list = blocks[2]
    assert.ok(list?.type === 'list' && list.ordered)
    assert.deepEqual(list.items[0], [{ type: 'text', text: 'First still first' }])
    assert.deepEqual(blocks[3], { type: 'code', text: 'npm start' })
    assert.ok(blocks[4]?.type === 'heading' && blocks[4].id === 'out-of-funds' && blocks[4].level === 2)
  })

  it('marks inline code, bold, italics and links', () => {
    assert.deepEqual(
      parseInline('Run `npm start`, open **Wallet**, *then* see [docs](https://example.org).'),
      [
        { type: 'text', text: 'Run ' },
        { type: 'code', text: 'npm start' },
        { type: 'text', text: ', open ' },
        { type: 'strong', text: 'Wallet' },
        { type: 'text', text: ', ' },
        { type: 'em', text: 'then' },
        { type: 'text', text: ' see ' },
        { type: 'link', text: 'docs', href: 'https://example.org' },
        { type: 'text', text: '.' }
      ]
    )
  })

  it('takes _underscores_ for italics too, but not inside words', () => {
    assert.deepEqual(parseInline('_Public_ needs no snake_case_name'), [
      { type: 'em', text: 'Public' },
      { type: 'text', text: ' needs no snake_case_name' }
    ])
  })

  it('keeps markup as text and follows no script links', () => {
    const parts = parseInline('<img src=x onerror=alert(1)> [x](javascript:alert(1))')
    assert.ok(parts.every((p) => p.type === 'text'))
    assert.equal(parts.map((p) => p.text).join(''), '<img src=x onerror=alert(1)> x)')
  })
})
