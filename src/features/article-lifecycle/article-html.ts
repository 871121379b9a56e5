import sanitizeHtml from 'sanitize-html'

/**
 * What an article body may contain: the structure and inline formatting of news text
 * (headings, paragraphs, lists, quotes, code, tables), links and images. Everything else is
 * dropped with its contents where it could execute or embed (script, style, iframe, object…);
 * no event handler or `style` attribute survives, and URLs must be http(s), mailto or relative.
 */
const NEWS_HTML: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1 h2 h3 h4 h5 h6 p br hr div span ul ol li blockquote pre code',
    'strong b em i u s del sub sup mark small a img figure figcaption',
    'table thead tbody tfoot tr th td caption colgroup col',
  ].flatMap((line) => line.split(' ')),
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['colspan', 'rowspan', 'align'],
    td: ['colspan', 'rowspan', 'align'],
    col: ['span'],
    ol: ['start'],
    code: ['class'],
    pre: ['class'],
  },
  allowedClasses: { code: [/^language-[\w-]+$/], pre: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // A link that opens a new tab must not hand the reader's window to the target page.
  transformTags: {
    a: (tagName, attribs) =>
      attribs['target']
        ? { tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow' } }
        : { tagName, attribs },
  },
}

/** The article body an author sent, reduced to the news whitelist (no script reaches a reader). */
export function sanitizeArticleHtml(html: string): string {
  return sanitizeHtml(html, NEWS_HTML).trim()
}

/** The `src` of every image in (sanitised) HTML, in document order. */
export function imageSources(html: string): string[] {
  const sources: string[] = []
  sanitizeHtml(html, {
    allowedTags: ['img'],
    allowedAttributes: { img: ['src'] },
    exclusiveFilter: (frame) => {
      const src = frame.attribs['src']
      if (frame.tag === 'img' && src) sources.push(src)
      return false
    },
  })
  return sources
}
