/** Tags an article may keep in the preview (the news whitelist the server sanitises to). */
const TAGS = new Set(
  'p br hr h1 h2 h3 h4 h5 h6 blockquote pre code ul ol li strong b em i u s del sub sup a img figure figcaption table thead tbody tfoot tr th td caption span div'.split(
    ' ',
  ),
)
const ATTRS = new Set(['href', 'src', 'alt', 'title', 'width', 'height', 'colspan', 'rowspan'])
const DROP_WITH_CONTENT = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'template',
  'noscript',
  'svg',
  'math',
])

function safeUrl(value: string): boolean {
  return /^(https?:|\/(?!\/)|data:image\/(png|jpe?g|gif|webp);)/i.test(value.trim())
}

function clean(node: Element): void {
  for (const child of [...node.children]) {
    const tag = child.tagName.toLowerCase()
    if (DROP_WITH_CONTENT.has(tag)) {
      child.remove()
      continue
    }
    clean(child)
    if (!TAGS.has(tag)) {
      child.replaceWith(...child.childNodes)
      continue
    }
    for (const attr of [...child.attributes]) {
      const name = attr.name.toLowerCase()
      const keep = ATTRS.has(name) && (!['href', 'src'].includes(name) || safeUrl(attr.value))
      if (!keep) child.removeAttribute(attr.name)
    }
    if (tag === 'a') child.setAttribute('rel', 'noopener noreferrer')
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function highlight(root: Element, doc: Document, words: string[]): void {
  const list = words.filter((w) => w.trim() !== '').sort((a, b) => b.length - a.length)
  if (list.length === 0) return
  const pattern = new RegExp(list.map(escapeRegExp).join('|'), 'g')
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  const texts: Text[] = []
  while (walker.nextNode()) texts.push(walker.currentNode as Text)
  for (const text of texts) {
    const value = text.data
    pattern.lastIndex = 0
    if (!pattern.test(value)) continue
    pattern.lastIndex = 0
    const parts: Node[] = []
    let last = 0
    for (const match of value.matchAll(pattern)) {
      if (match.index > last) parts.push(doc.createTextNode(value.slice(last, match.index)))
      const mark = doc.createElement('mark')
      mark.className = 'hit'
      mark.textContent = match[0]
      parts.push(mark)
      last = match.index + match[0].length
    }
    if (last < value.length) parts.push(doc.createTextNode(value.slice(last)))
    text.replaceWith(...parts)
  }
}

/**
 * The `srcdoc` of the sandboxed preview frame: the article's HTML parsed inertly, cut down to the
 * news whitelist again (defence in depth: the server sanitises on write), sensitive words marked.
 */
export function previewDocument(title: string, html: string, words: string[]): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html')
  const heading = doc.createElement('h1')
  heading.className = 'preview-title'
  heading.textContent = title
  doc.body.prepend(heading)
  clean(doc.body)
  heading.className = 'preview-title'
  highlight(doc.body, doc, words)
  return (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">' +
    '<link rel="stylesheet" href="/admin/preview.css"></head><body>' +
    doc.body.innerHTML +
    '</body></html>'
  )
}
