/** The original's index names (API.md §9). */
export const ARTICLES_INDEX = 'articles'
export const COMPLETIONS_INDEX = 'completions'

/**
 * `articles`: the original's fields. Text arrives cut into words by jieba in Node, so a
 * whitespace tokenizer (plus lower-casing) is all the cluster needs: no IK plugin, and the
 * same words as the embedded engine. `title.shingles` (word pairs and triples) feeds the phrase
 * suggester's spelling correction. `index_time` lets `reindex` drop what it did not rewrite.
 */
export const ARTICLES_INDEX_BODY = {
  settings: {
    analysis: {
      filter: {
        word_shingles: { type: 'shingle', min_shingle_size: 2, max_shingle_size: 3 },
      },
      analyzer: {
        segmented: { type: 'custom', tokenizer: 'whitespace', filter: ['lowercase'] },
        segmented_shingles: {
          type: 'custom',
          tokenizer: 'whitespace',
          filter: ['lowercase', 'word_shingles'],
        },
      },
    },
  },
  mappings: {
    dynamic: 'strict',
    properties: {
      article_id: { type: 'long' },
      user_id: { type: 'long' },
      title: {
        type: 'text',
        analyzer: 'segmented',
        fields: { shingles: { type: 'text', analyzer: 'segmented_shingles' } },
      },
      content: { type: 'text', analyzer: 'segmented' },
      status: { type: 'byte' },
      create_time: { type: 'date', format: 'epoch_millis' },
      index_time: { type: 'date', format: 'epoch_millis' },
    },
  },
}

/**
 * `completions`: one document per article whose completion inputs are the title, its full
 * pinyin and its initials (so `rengong` and `rgzn` complete Chinese titles); the title is kept
 * in `_source` so options map back to it.
 */
export const COMPLETIONS_INDEX_BODY = {
  settings: {
    analysis: {
      analyzer: {
        lowercase_keyword: { type: 'custom', tokenizer: 'keyword', filter: ['lowercase'] },
      },
    },
  },
  mappings: {
    dynamic: 'strict',
    properties: {
      suggest: { type: 'completion', analyzer: 'lowercase_keyword', max_input_length: 50 },
      title: { type: 'keyword', index: false, doc_values: false },
      index_time: { type: 'date', format: 'epoch_millis' },
    },
  },
}
