import { ARTICLES_INDEX, COMPLETIONS_INDEX } from './elasticsearch-mappings.js'
import { APPROVED_STATUS, type SearchDocument, type SearchPage } from './search-engine.js'
import { normalizeText, pinyinKeys, segmented } from './text.js'

// The request bodies of the Elasticsearch / OpenSearch adapter, and the parts of the replies it
// reads (the documented response formats of Elasticsearch 8/9 and OpenSearch).

/** A `_search` reply: hits, and suggestions by suggester name. */
export interface SearchReply {
  hits?: { total?: number | { value: number }; hits?: { _id: string }[] }
  suggest?: Record<string, { options?: { text?: string; _source?: { title?: string } }[] }[]>
}

/** The original's search (API.md §9) on segmented words: title^2 + content, approved only. */
export function searchBody(words: string, from: number, size: number) {
  return {
    from,
    size,
    _source: false,
    track_total_hits: true,
    query: {
      bool: {
        must: [{ multi_match: { query: words, fields: ['title^2', 'content'] } }],
        filter: [{ term: { status: APPROVED_STATUS } }],
      },
    },
  }
}

/** The total and the article ids of a search reply. */
export function pageOf(reply: SearchReply): SearchPage {
  const total = reply.hits?.total
  return {
    total: typeof total === 'number' ? total : (total?.value ?? 0),
    ids: (reply.hits?.hits ?? []).map((hit) => BigInt(hit._id)),
  }
}

/** Completion of the text as typed and, when given, of its pinyin, in one request. */
export function completionBody(prefix: string, pinyin: string | undefined, size: number) {
  const completion = (text: string) => ({
    prefix: text,
    completion: { field: 'suggest', size, skip_duplicates: true },
  })
  const suggest: Record<string, unknown> = { 'word-completion': completion(prefix) }
  if (pinyin) suggest['pinyin-completion'] = completion(pinyin)
  return { size: 0, _source: ['title'], suggest }
}

/**
 * The phrase suggester as spelling correction: candidates for every word (also short Chinese
 * words: `min_word_length` 1, `prefix_length` 0), kept only when the phrase is in some title.
 */
export function phraseBody(text: string) {
  return {
    size: 0,
    suggest: {
      text,
      'word-phrase': {
        phrase: {
          field: 'title.shingles',
          size: 1,
          gram_size: 3,
          max_errors: 2,
          confidence: 0,
          direct_generator: [
            { field: 'title', suggest_mode: 'always', min_word_length: 1, prefix_length: 0 },
          ],
          collate: { query: { source: { match_phrase: { title: '{{suggestion}}' } } } },
        },
      },
    },
  }
}

/** Option texts of a named suggester (completion options map back to their titles). */
export function optionTexts(reply: SearchReply, name: string, titles: boolean): string[] {
  const options = reply.suggest?.[name]?.[0]?.options ?? []
  return options
    .map((option) => (titles ? (option._source?.title ?? option.text) : option.text))
    .filter((text): text is string => typeof text === 'string' && text.length > 0)
}

/** The bulk lines that index an approved article into both indexes. */
export function indexLines(doc: SearchDocument, now: number): Record<string, unknown>[] {
  const id = doc.id.toString()
  const keys = pinyinKeys(doc.title)
  const inputs = [...new Set([normalizeText(doc.title), keys.full, keys.initials])].filter(Boolean)
  return [
    { index: { _index: ARTICLES_INDEX, _id: id } },
    {
      // Ids above 2^53 go as decimal strings: a JSON number would lose digits in transit.
      article_id: id,
      user_id: doc.userId.toString(),
      title: segmented(doc.title),
      content: segmented(doc.content),
      status: doc.status,
      create_time: doc.createdMs,
      index_time: now,
    },
    { index: { _index: COMPLETIONS_INDEX, _id: id } },
    { title: doc.title, suggest: { input: inputs }, index_time: now },
  ]
}

/** The bulk lines that remove an article from both indexes. */
export function deleteLines(id: bigint): Record<string, unknown>[] {
  return [
    { delete: { _index: ARTICLES_INDEX, _id: id.toString() } },
    { delete: { _index: COMPLETIONS_INDEX, _id: id.toString() } },
  ]
}
